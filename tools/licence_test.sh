#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Every source file in the checkout carries the SPDX line (tools/licence.py),
# and the LICENSE it names is at the top. Runs outside the sandbox: it reads
# the checkout that the runfile LICENSE links back to.
set -euo pipefail
licence="$(readlink -f "${TEST_SRCDIR}/${TEST_WORKSPACE}/LICENSE")"
root="$(dirname "$licence")"
grep -q '^BSD 3-Clause License$' "$licence" || {
  echo "LICENSE is not the BSD 3-Clause licence the SPDX lines name"
  exit 1
}
if ! git -C "$root" rev-parse --git-dir >/dev/null 2>&1; then
  echo "$root is not a git checkout; the file list comes from git ls-files"
  exit 1
fi
python3 "${TEST_SRCDIR}/${TEST_WORKSPACE}/tools/licence.py" --check "$root"
echo "every source file has its SPDX line"
