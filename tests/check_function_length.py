#!/usr/bin/env python3
"""Keeps every function in the given C++ trees short.

    check_function_length.py [--max N] [--exceptions FILE] DIR...
        exit 1 naming each function that is longer, unless FILE lists it
    check_function_length.py --self-test          # the checker against samples it must judge

An exceptions file has one "path function  # why" per line (path as given under DIR). An
entry that no longer matches a long function is an error too, so the list only shrinks.

A function's length is the number of lines of its body, from the line of its opening brace
to the line of its closing brace. Lambdas and local classes count towards the function they
are in. The scan is lexical (comments, string, character and raw string literals are
skipped; preprocessor lines are ignored), which is enough for code that compiles: a block is
a function body when the text before its brace has a parameter list and does not declare a
namespace, class, struct, union or enum.
"""
import os
import re
import sys
import tempfile

DEFAULT_MAX = 60
TYPE_KEYWORDS = re.compile(r"^(namespace|class|struct|union|enum|extern)\b")
TEMPLATE_PREFIX = re.compile(r"^template\s*<")


def strip_template_clause(header):
    """`template <class F, class R = X<F>> R f(...)` -> `R f(...)`."""
    if not TEMPLATE_PREFIX.match(header):
        return header
    depth = 0
    for i, c in enumerate(header):
        if c == "<":
            depth += 1
        elif c == ">":
            depth -= 1
            if depth == 0:
                return strip_template_clause(header[i + 1:].lstrip())
    return header


def classify(header):
    """'function', 'type' (namespace/class/...) or 'other' (an initializer) for a block."""
    text = strip_template_clause(" ".join(header.split()))
    text = re.sub(r"^\[\[[^\]]*\]\]\s*", "", text)
    if TYPE_KEYWORDS.match(text):
        return "type"
    return "function" if "(" in text else "other"


def function_name(header):
    text = strip_template_clause(" ".join(header.split()))
    m = re.search(r"([~\w:<>,\s]*?)\s*\(", text)
    return (m.group(1).split()[-1] if m and m.group(1).split() else text[:40]).strip()


def blocks(source):
    """Yields (kind, name, first_line, last_line) for every top-level-of-a-scope block."""
    i, line, n = 0, 1, len(source)
    header = []
    stack = []  # (kind, name, line)
    at_line_start = True
    while i < n:
        c = source[i]
        if at_line_start and c in " \t":
            i += 1
            continue
        if at_line_start and c == "#":  # a preprocessor line, with its continuations
            while i < n and not (source[i] == "\n" and source[i - 1] != "\\"):
                if source[i] == "\n":
                    line += 1
                i += 1
            continue
        at_line_start = False
        if c == "\n":
            line += 1
            at_line_start = True
            header.append(" ")
            i += 1
        elif source.startswith("//", i):
            while i < n and source[i] != "\n":
                i += 1
        elif source.startswith("/*", i):
            end = source.find("*/", i + 2)
            end = n if end < 0 else end + 2
            line += source.count("\n", i, end)
            i = end
        elif c == "R" and source.startswith('"', i + 1) and (i == 0 or not (source[i - 1].isalnum() or source[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', source[i:])
            if not m:
                header.append(c)
                i += 1
                continue
            end = source.find(")" + m.group(1) + '"', i)
            end = n if end < 0 else end + len(m.group(1)) + 2
            line += source.count("\n", i, end)
            header.append('""')
            i = end
        elif c in "\"'":
            j = i + 1
            while j < n and source[j] != c:
                j += 2 if source[j] == "\\" else 1
            header.append('""')
            i = j + 1
        elif c == "{":
            inside_function = any(kind == "function" for kind, _, _ in stack)
            text = "".join(header)
            kind = "nested" if inside_function else classify(text)
            stack.append((kind, function_name(text) if kind == "function" else "", line))
            header = []
            i += 1
        elif c == "}":
            if stack:
                kind, name, first = stack.pop()
                if kind == "function":
                    yield kind, name, first, line
            header = []
            i += 1
        elif c == ";":
            header = []
            i += 1
        else:
            header.append(c)
            i += 1


def check_file(path, limit):
    with open(path, encoding="utf-8", errors="replace") as f:
        source = f.read()
    for _, name, first, last in blocks(source):
        length = last - first + 1
        if length > limit:
            yield f"{path}:{first}: function '{name}' is {length} lines long (at most {limit})"


def sources(paths):
    for root in paths:
        if os.path.isfile(root):
            yield root
            continue
        for d, _, files in os.walk(root):
            for name in sorted(files):
                if name.endswith((".cpp", ".hpp", ".h", ".cc")):
                    yield os.path.join(d, name)


def self_test():
    body = lambda n: "".join(f"    x += {k};\n" for k in range(n - 2))
    samples = {
        "ok.cpp": "namespace a {\nint f(int x) {\n" + body(59) + "    return x;\n}\n}\n",
        "long.cpp": "struct S {\n    int g(int x) const {\n" + body(60) + "    return x;\n    }\n};\n",
        "tricky.cpp": (
            "const char* s = R\"X(\n{ { { not code\n)X\";\n"
            "template <class F, class R = int>\nR h(F f) noexcept {\n    auto l = [&] { return '{'; };\n"
            + body(59) + "    return f(); // }\n}\n"
            "constexpr int table[] = {1, 2, 3};\n"
        ),
    }
    expected = {"ok.cpp": 0, "long.cpp": 1, "tricky.cpp": 1}
    failures = []
    with tempfile.TemporaryDirectory() as d:
        for name, text in samples.items():
            p = os.path.join(d, name)
            with open(p, "w") as f:
                f.write(text)
            found = list(check_file(p, DEFAULT_MAX))
            if len(found) != expected[name]:
                failures.append(f"{name}: expected {expected[name]} long function(s), found {found}")
    for f in failures:
        print("self-test: " + f, file=sys.stderr)
    return 1 if failures else 0


def read_exceptions(path):
    entries = set()
    with open(path) as f:
        for line in f:
            words = line.split("#", 1)[0].split()
            if len(words) == 2:
                entries.add((words[0], words[1]))
    return entries


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    args, limit, exceptions = argv[1:], DEFAULT_MAX, set()
    while len(args) >= 2 and args[0] in ("--max", "--exceptions"):
        if args[0] == "--max":
            limit = int(args[1])
        else:
            exceptions = read_exceptions(args[1])
        args = args[2:]
    if not args:
        print(__doc__, file=sys.stderr)
        return 2
    problems, excused = [], set()
    for path in sources(args):
        for problem in check_file(path, limit):
            name = problem.split("function '", 1)[1].split("'", 1)[0]
            key = next((e for e in exceptions if path.endswith(e[0]) and e[1] == name), None)
            if key:
                excused.add(key)
            else:
                problems.append(problem)
    problems += [f"{p}: '{fn}' is listed as an exception but is no longer too long; remove the entry"
                 for p, fn in sorted(exceptions - excused)]
    for p in problems:
        print(p)
    if problems:
        print(f"{len(problems)} problem(s): split the functions longer than {limit} lines", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
