#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every key the cluster-file parser accepts is documented in
# docs/configuration.md: a table row "| `<key>` |" under the heading of its
# section ("### `[engine]`", "### `[controller.<name>]`", ...).
#
# The keys come from the parser's own sources, read from the checkout (the
# transport package does not export them to //docs): the sections from
# KindOf() in transport/config.cc, the keys of each section from IsKnownKey()
# there, following the functions it delegates a section to
# (IsEngineSettingKey() and the like) into whichever transport/*.cc defines
# them. Anything the extraction does not recognise fails the test, so a
# change in the parser's shape cannot make it pass vacuously.
set -euo pipefail

fail() { echo "config_keys_documented_test: $*" >&2; exit 1; }

[[ $# -eq 1 ]] || fail "usage: $0 docs/configuration.md"
doc=$(readlink -f "$1")
root=$(dirname "$(dirname "$doc")")
[[ -f "$root/transport/config.cc" ]] ||
  fail "no transport/config.cc next to $doc (the test reads the checkout)"
command -v python3 >/dev/null || fail "python3 not found (tools/bootstrap.sh)"

python3 - "$doc" "$root/transport" <<'PY'
import glob
import os
import re
import sys

doc_path, transport = sys.argv[1], sys.argv[2]
problems = []


def die(message):
    sys.exit("config_keys_documented_test: " + message)


sources = {}
for path in sorted(glob.glob(os.path.join(transport, "*.cc"))):
    if not path.endswith("_test.cc"):
        with open(path, encoding="utf-8") as f:
            sources[os.path.basename(path)] = f.read()


def definition(name):
    """The body of the function `name` defined at the top level of a
    transport/*.cc file: from its signature line to the closing '}' in
    column 0."""
    found = []
    pattern = re.compile(r"^[A-Za-z][\w:<>,* ]*\b" + name + r"\(.*?^\}",
                         re.M | re.S)
    for file, text in sources.items():
        for match in pattern.finditer(text):
            if not match.group(0).rstrip().endswith(";"):
                found.append((file, match.group(0)))
    if len(found) != 1:
        die(f"expected one definition of {name}() in transport/*.cc, found "
            f"{len(found)}: {[f for f, _ in found]}")
    return found[0]


KEY_LITERAL = re.compile(r'\bkey\s*==\s*"([^"]+)"')
DELEGATE = re.compile(r"\b(Is\w+Key)\(\s*key\s*\)")

# Section kinds -> names, from KindOf().
_, kind_of = definition("KindOf")
section_of = {}
for name, kind in re.findall(
        r'section\s*==\s*"([^"]+)"\s*\)\s*return\s+SectionKind::(\w+)',
        kind_of):
    section_of[kind] = name
for constant, kind in re.findall(
        r"StartsWith\(\s*section\s*,\s*(\w+)\s*\)\s*\)\s*\{?\s*"
        r"return\s+SectionKind::(\w+)", kind_of):
    value = re.search(constant + r'\s*=\s*"([^"]+)"', sources["config.cc"])
    if value is None:
        die(f"cannot find the value of {constant} in config.cc")
    section_of[kind] = value.group(1)  # a prefix such as "controller."
if len(section_of) < 3:
    die(f"read only {section_of} from KindOf(): has its shape changed?")

# Keys per kind, from IsKnownKey() and its delegates.
_, known = definition("IsKnownKey")
cases = re.split(r"\bcase\s+SectionKind::(\w+)\s*:", known)
keys_of = {}
pending = []  # case labels that fall through to the next body
for kind, body in zip(cases[1::2], cases[2::2]):
    pending.append(kind)
    if not body.strip():
        continue
    keys = KEY_LITERAL.findall(body)
    for delegate in DELEGATE.findall(body):
        _, delegate_body = definition(delegate)
        delegated = KEY_LITERAL.findall(delegate_body)
        if not delegated:
            die(f"{delegate}() names no keys (key == \"...\"): has its shape "
                "changed?")
        keys += delegated
    any_key = re.search(r"return\s+true\s*;", body) is not None
    for label in pending:
        keys_of[label] = (keys, any_key)
    pending = []
    if not keys and not any_key and "break" not in body:
        die(f"cannot read the keys of SectionKind::{kind} in IsKnownKey()")

total = 0
with open(doc_path, encoding="utf-8") as f:
    doc = f.read()
headings = [(m.start(), len(m.group(1)), m.group(2))
            for m in re.finditer(r"^(#+)\s+(.*)$", doc, re.M)]


def section_text(name):
    """The text under the heading naming `[name]` (or `[name<...>]` for a
    prefix), down to the next heading of the same or a higher level."""
    wanted = ("`[" + name + "<") if name.endswith(".") else ("`[" + name + "]`")
    for i, (start, level, title) in enumerate(headings):
        if wanted in title:
            end = len(doc)
            for later_start, later_level, _ in headings[i + 1:]:
                if later_level <= level:
                    end = later_start
                    break
            return doc[start:end]
    return None


for kind, (keys, any_key) in sorted(keys_of.items()):
    if not keys and not any_key:
        continue  # kUnknown: no section
    if kind not in section_of:
        die(f"SectionKind::{kind} has keys but KindOf() gives it no name")
    name = section_of[kind]
    label = f"[{name}<...>]" if name.endswith(".") else f"[{name}]"
    text = section_text(name)
    if text is None:
        problems.append(f"section {label} has no heading in configuration.md")
        continue
    for key in keys:
        total += 1
        if not re.search(r"^\|\s*`" + re.escape(key) + r"`\s*\|", text, re.M):
            problems.append(f"{label} key '{key}' is not documented (no "
                            f"table row \"| `{key}` |\" under its heading)")
    if any_key:
        print(f"{label}: any key (checked by the parser itself); heading found",
              flush=True)

if total < 10:
    die(f"found only {total} keys in the parser: has its shape changed?")
if problems:
    print("\n".join(problems), file=sys.stderr)
    die(f"{len(problems)} undocumented key(s) or section(s) in "
        "docs/configuration.md")
print(f"all {total} keys the parser accepts are documented, in "
      f"{len(keys_of)} section kinds")
PY
