# json-field.awk - prints the string found at a dotted path (e.g. tool_input.file_path) of the
# JSON document read from stdin. Exit 0 and the decoded string when found, 1 when the path is
# absent or not a string, 2 when the input is not JSON. POSIX awk (mawk, gawk, busybox); run it
# with LC_ALL=C so \u escapes become UTF-8 bytes. Strings are skipped with one regular
# expression each, so a large "content" value costs one match, not a loop per character.
# This program is embedded in single quotes by the hook scripts: it must not contain one.
function fail(msg) {
    printf "json-field: %s\n", msg > "/dev/stderr"
    exit 2
}
function ws() {
    sub(/^[ \t\r\n]+/, "", rest)
}
function hexval(h,    i, v, c) {
    v = 0
    for (i = 1; i <= 4; i++) {
        c = index("0123456789abcdef", tolower(substr(h, i, 1)))
        if (c == 0) fail("bad \\u escape")
        v = v * 16 + c - 1
    }
    return v
}
function utf8(cp) {
    if (cp < 128) return sprintf("%c", cp)
    if (cp < 2048) return sprintf("%c%c", 192 + int(cp / 64), 128 + cp % 64)
    if (cp < 65536) return sprintf("%c%c%c", 224 + int(cp / 4096), 128 + int(cp / 64) % 64, 128 + cp % 64)
    return sprintf("%c%c%c%c", 240 + int(cp / 262144), 128 + int(cp / 4096) % 64, 128 + int(cp / 64) % 64, 128 + cp % 64)
}
function decode(raw,    out, k, c, cp, lo) {
    out = ""
    while ((k = index(raw, "\\")) > 0) {
        out = out substr(raw, 1, k - 1)
        c = substr(raw, k + 1, 1)
        raw = substr(raw, k + 2)
        if (c == "n") out = out "\n"
        else if (c == "t") out = out "\t"
        else if (c == "r") out = out "\r"
        else if (c == "b") out = out "\b"
        else if (c == "f") out = out "\f"
        else if (c == "u") {
            cp = hexval(substr(raw, 1, 4))
            raw = substr(raw, 5)
            if (cp >= 55296 && cp < 56320 && substr(raw, 1, 2) == "\\u") {
                lo = hexval(substr(raw, 3, 4))
                if (lo >= 56320 && lo < 57344) {
                    cp = 65536 + (cp - 55296) * 1024 + (lo - 56320)
                    raw = substr(raw, 7)
                }
            }
            if (cp == 0) fail("NUL character in string")
            out = out utf8(cp)
        } else out = out c
    }
    return out raw
}
function string_token(    raw) {
    if (!match(rest, /^"([^"\\]|\\.)*"/)) fail("unterminated string")
    raw = substr(rest, 2, RLENGTH - 2)
    rest = substr(rest, RLENGTH + 1)
    return raw
}
function value(path,    c, raw) {
    ws()
    c = substr(rest, 1, 1)
    if (c == "{") object(path)
    else if (c == "[") array(path)
    else if (c == "\"") {
        raw = string_token()
        if (path == want) {
            found = 1
            result = decode(raw)
        }
    } else if (match(rest, /^(true|false|null|-?[0-9][0-9.eE+-]*)/)) rest = substr(rest, RLENGTH + 1)
    else fail("unexpected input")
}
function object(path,    c, key) {
    rest = substr(rest, 2)
    ws()
    if (substr(rest, 1, 1) == "}") {
        rest = substr(rest, 2)
        return
    }
    for (;;) {
        ws()
        if (substr(rest, 1, 1) != "\"") fail("expected an object key")
        key = decode(string_token())
        ws()
        if (substr(rest, 1, 1) != ":") fail("expected a colon")
        rest = substr(rest, 2)
        value(path == "" ? key : path "." key)
        ws()
        c = substr(rest, 1, 1)
        rest = substr(rest, 2)
        if (c == "}") return
        if (c != ",") fail("expected a comma or a closing brace")
    }
}
function array(path,    c) {
    rest = substr(rest, 2)
    ws()
    if (substr(rest, 1, 1) == "]") {
        rest = substr(rest, 2)
        return
    }
    for (;;) {
        value(path "[]")
        ws()
        c = substr(rest, 1, 1)
        rest = substr(rest, 2)
        if (c == "]") return
        if (c != ",") fail("expected a comma or a closing bracket")
    }
}
{ doc = doc $0 "\n" }
END {
    rest = doc
    ws()
    if (rest == "") fail("empty input")
    value("")
    ws()
    if (rest != "") fail("unexpected data after the document")
    if (!found) exit 1
    printf "%s", result
    exit 0
}
