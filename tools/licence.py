#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Checks (or adds) the SPDX licence line of every source file.

  tools/licence.py --check [ROOT]   exit 1, listing the files without it
  tools/licence.py --fix [ROOT]     add it where it is missing

Files are what `git ls-files` lists under ROOT (default: the current
directory). The line must be within a file's first three lines, after any
`#!` line. Documentation, test data and captures carry no line.
"""
import os
import subprocess
import sys

SPDX = "SPDX-License-Identifier: BSD-3-Clause"

# Comment style by file name ending; files that match none are not source.
STYLES = [
    ((".cc", ".h"), "// {}"),
    ((".c", "rsmapi.h", "rsm_dpdk.h", ".lds"), "/* {} */"),
    ((".sh", ".py", ".bzl", ".bazel", "BUILD", "WORKSPACE", ".bazelrc",
      ".ci/run", ".lua", ".gitignore", ".clang-format", ".clang-tidy"), "# {}"),
    ((".3rsm",), '.\\" {}'),
]


def comment_for(path):
    style = None
    for endings, template in STYLES:
        if path.endswith(endings):
            style = template  # later, more specific rules win
    return style


def source_files(root):
    listed = subprocess.run(["git", "-C", root, "ls-files"], check=True,
                            capture_output=True, text=True).stdout.split()
    return [p for p in listed if comment_for(p) is not None]


def has_line(lines):
    return any(SPDX in line for line in lines[:3])


def main(argv):
    if len(argv) not in (2, 3) or argv[1] not in ("--check", "--fix"):
        print(__doc__, file=sys.stderr)
        return 2
    root = argv[2] if len(argv) == 3 else "."
    missing = []
    for path in source_files(root):
        full = os.path.join(root, path)
        with open(full, encoding="utf-8") as f:
            lines = f.readlines()
        if has_line(lines):
            continue
        if argv[1] == "--check":
            missing.append(path)
            continue
        at = 1 if lines and lines[0].startswith("#!") else 0
        lines.insert(at, comment_for(path).format(SPDX) + "\n")
        with open(full, "w", encoding="utf-8") as f:
            f.writelines(lines)
        missing.append(path)
    if argv[1] == "--fix":
        print(f"added the SPDX line to {len(missing)} files")
        return 0
    for path in missing:
        print(f"{path}: no '{SPDX}' line in its first three lines")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
