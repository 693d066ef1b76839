#!/usr/bin/env python3
"""Classifies the difference between two abixml descriptions (abidw) of the plugin ABI probe.

usage: abi_append_only.py BASELINE.abi CURRENT.abi

Prints one line per finding and exits
  0  identical, or a pure append (fields appended at the end of structs, enumerators added)
     with MOSAIC_ABI_MINOR raised;
  1  anything else: a removed, moved, retyped or inserted field, a changed enumerator or
     typedef, a removed type, an append without a minor bump, or a different MOSAIC_ABI_MAJOR.
abidiff decides whether anything changed and explains it; this script only decides whether a
change is allowed within one major version (docs/architecture.md, "The boundary": fields are only ever appended).
"""
import re
import sys
import xml.etree.ElementTree as ET

VERSION_VAR = re.compile(r"^mosaic_abi_probe_version_(\d+)_(\d+)$")


class Corpus:
    def __init__(self, path):
        self.root = ET.parse(path).getroot()
        self.by_id = {}
        for el in self.root.iter():
            if "id" in el.attrib:
                # A declaration-only duplicate never replaces the definition.
                if el.attrib["id"] in self.by_id and el.get("is-declaration-only") == "yes":
                    continue
                self.by_id[el.attrib["id"]] = el
        self.structs, self.enums, self.typedefs = {}, {}, {}
        for el in self.root.iter():
            name = el.get("name")
            if not name:
                continue
            if el.tag == "class-decl" and el.get("is-declaration-only") != "yes":
                self.structs[name] = el
            elif el.tag == "enum-decl":
                self.enums[name] = el
            elif el.tag == "typedef-decl":
                self.typedefs[name] = el
        self.version = None
        for el in self.root.iter("var-decl"):
            m = VERSION_VAR.match(el.get("name", ""))
            if m:
                self.version = (int(m.group(1)), int(m.group(2)))

    def type_name(self, type_id, depth=0):
        """A name for a type that does not depend on abidw's type ids."""
        if depth > 40:
            return "..."
        el = self.by_id.get(type_id)
        if el is None:
            return "?" + type_id
        t = el.tag
        if t == "type-decl":
            return el.get("name")
        if t == "pointer-type-def":
            return self.type_name(el.get("type-id"), depth + 1) + "*"
        if t == "reference-type-def":
            return self.type_name(el.get("type-id"), depth + 1) + "&"
        if t == "qualified-type-def":
            q = "".join(k + " " for k in ("const", "volatile", "restrict") if el.get(k) == "yes")
            return q + self.type_name(el.get("type-id"), depth + 1)
        if t == "typedef-decl":
            return el.get("name")  # typedefs are compared on their own below
        if t == "class-decl":
            return ("struct " if el.get("is-struct") == "yes" else "class ") + el.get("name", "<anonymous>")
        if t == "union-decl":
            return "union " + el.get("name", "<anonymous>")
        if t == "enum-decl":
            return "enum " + el.get("name", "<anonymous>")
        if t == "array-type-def":
            dims = "".join("[" + s.get("length", "?") + "]" for s in el.iter("subrange"))
            return self.type_name(el.get("type-id"), depth + 1) + dims
        if t == "function-type":
            params = [
                "..." if p.get("is-variadic") == "yes" else self.type_name(p.get("type-id"), depth + 1)
                for p in el.findall("parameter")
            ]
            ret = el.find("return")
            r = self.type_name(ret.get("type-id"), depth + 1) if ret is not None else "void"
            return r + "(" + ", ".join(params) + ")"
        return t + ":" + el.get("name", "?")

    def members(self, struct):
        out = []
        for dm in struct.findall("data-member"):
            var = dm.find("var-decl")
            out.append((int(dm.get("layout-offset-in-bits", "-1")), var.get("name"),
                        self.type_name(var.get("type-id"))))
        return out


def main():
    if len(sys.argv) != 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    old, new = Corpus(sys.argv[1]), Corpus(sys.argv[2])
    problems, appends = [], []

    if old.version is None or new.version is None:
        problems.append("the probe's version variable mosaic_abi_probe_version_<major>_<minor> is missing")
    elif old.version[0] != new.version[0]:
        problems.append("MOSAIC_ABI_MAJOR is %d but the baseline describes ABI %d: after a deliberate "
                        "major bump, regenerate the baseline (packaging/README.md)" % (new.version[0], old.version[0]))

    for name, s_old in sorted(old.structs.items()):
        s_new = new.structs.get(name)
        if s_new is None:
            problems.append("struct %s was removed" % name)
            continue
        m_old, m_new = old.members(s_old), new.members(s_new)
        if m_new[:len(m_old)] != m_old:
            for i, m in enumerate(m_old):
                n = m_new[i] if i < len(m_new) else None
                if n != m:
                    problems.append("struct %s: field #%d was %s '%s' at bit %d, is now %s" % (
                        name, i, m[2], m[1], m[0],
                        "missing" if n is None else "%s '%s' at bit %d" % (n[2], n[1], n[0])))
                    break
        elif int(s_new.get("size-in-bits", 0)) < int(s_old.get("size-in-bits", 0)):
            problems.append("struct %s shrank" % name)
        elif len(m_new) > len(m_old):
            appends.append("struct %s: appended %s" % (name, ", ".join("'%s'" % m[1] for m in m_new[len(m_old):])))

    for name, e_old in sorted(old.enums.items()):
        e_new = new.enums.get(name)
        if e_new is None:
            problems.append("enum %s was removed" % name)
            continue
        v_old = {e.get("name"): e.get("value") for e in e_old.findall("enumerator")}
        v_new = {e.get("name"): e.get("value") for e in e_new.findall("enumerator")}
        u_old = old.type_name(e_old.find("underlying-type").get("type-id"))
        u_new = new.type_name(e_new.find("underlying-type").get("type-id"))
        if u_old != u_new:
            problems.append("enum %s: underlying type %s became %s" % (name, u_old, u_new))
        for k, v in sorted(v_old.items()):
            if v_new.get(k) != v:
                problems.append("enum %s: %s was %s, is now %s" % (name, k, v, v_new.get(k, "missing")))
        added = sorted(set(v_new) - set(v_old))
        if added:
            appends.append("enum %s: added %s" % (name, ", ".join(added)))

    for name, t_old in sorted(old.typedefs.items()):
        t_new = new.typedefs.get(name)
        if t_new is None:
            problems.append("typedef %s was removed" % name)
            continue
        a, b = old.type_name(t_old.get("type-id")), new.type_name(t_new.get("type-id"))
        if a != b:
            problems.append("typedef %s: %s became %s" % (name, a, b))

    if appends and not problems and new.version[1] <= old.version[1]:
        problems.append("fields or enumerators were appended but MOSAIC_ABI_MINOR is still %d (baseline: %d): "
                        "bump it" % (new.version[1], old.version[1]))
    for a in appends:
        print("append: " + a)
    for p in problems:
        print("NOT ALLOWED: " + p)
    if problems:
        return 1
    if appends:
        print("pure append (ABI %d.%d -> %d.%d); refresh the baseline to make it the new reference "
              "(packaging/README.md)" % (old.version + new.version))
    return 0


if __name__ == "__main__":
    sys.exit(main())
