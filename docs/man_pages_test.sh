#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# The 3RSM man pages (docs/man/man3rsm):
#   - every function rsm/librsm.lds exports has docs/man/man3rsm/<name>.3rsm,
#     and the page it is or points to (.so) names it in its NAME section;
#   - every page renders with man(1) and groff without a warning or error
#     (checked first on a deliberately broken page, so a formatter that stays
#     silent cannot pass the test);
#   - no page or doc refers to files outside the repository.
# Usage: man_pages_test.sh LIBRSM_LDS PAGE... -- DOC...
set -euo pipefail

fail() { echo "man_pages_test: $*" >&2; exit 1; }

for tool in man groff; do
  command -v "$tool" >/dev/null ||
    fail "$tool not found: install man-db and groff-base (tools/bootstrap.sh)"
done

[[ $# -ge 2 ]] || fail "usage: $0 LIBRSM_LDS PAGE... -- DOC..."
lds=$1
shift
pages=()
while [[ $# -gt 0 && "$1" != "--" ]]; do pages+=("$1"); shift; done
[[ $# -gt 0 ]] && shift
docs=("$@")
[[ ${#pages[@]} -gt 0 ]] || fail "no man pages given"

# The pages' own directory tree: .so requests name man3rsm/<page>, relative
# to the manual's root (docs/man), as man(1) resolves them.
man_root="$(cd "$(dirname "${pages[0]}")/.." && pwd)"
[[ "$(basename "$(dirname "${pages[0]}")")" == man3rsm ]] ||
  fail "${pages[0]} is not in a man3rsm directory"

# Renders $1 (from the manual's root) with man and groff; prints what they
# said on standard error, or why they failed.
render_problems() {
  local page=$1 out rc
  out=$(cd "$man_root" && MANWIDTH=80 LC_ALL=C.UTF-8 MANPAGER=cat PAGER=cat \
          man --warnings=w -l "$page" 2>&1 >/dev/null) && rc=0 || rc=$?
  [[ $rc -eq 0 ]] || out+="${out:+$'\n'}man exited with status $rc"
  [[ -z "$out" ]] || printf '%s\n' "$out"
  out=$(cd "$man_root" && LC_ALL=C.UTF-8 groff -man -ww -z -Tutf8 "$page" 2>&1) &&
    rc=0 || rc=$?
  [[ $rc -eq 0 ]] || out+="${out:+$'\n'}groff exited with status $rc"
  [[ -z "$out" ]] || printf '%s\n' "$out"
}

# (0) The checker itself reports a broken page (an unknown macro).
broken_root="${TEST_TMPDIR:-$(mktemp -d)}/broken_man"
mkdir -p "$broken_root/man3rsm"
printf '%s\n' '.TH BROKEN 3RSM' '.SH NAME' 'broken \- a test page' \
  '.NOT_A_MACRO here' > "$broken_root/man3rsm/broken.3rsm"
problems=$(man_root=$broken_root render_problems man3rsm/broken.3rsm)
[[ "$problems" == *NOT_A_MACRO* ]] ||
  fail "man/groff did not report an unknown macro, so they cannot check the pages (got: '$problems')"

# The NAME section of a page: the lines from .SH NAME to the next .SH.
name_section() {
  awk '/^\.SH +"?NAME"?[[:space:]]*$/ {on = 1; next} /^\.SH/ {on = 0} on' "$1"
}

# (a) Every exported function has its page.
functions=$(sed -n 's/^ *\(rsm_[a-z0-9_]*\);$/\1/p' "$lds")
[[ -n "$functions" ]] || fail "$lds lists no functions"
errors=0
for fn in $functions; do
  page="$man_root/man3rsm/$fn.3rsm"
  if [[ ! -e "$page" ]]; then
    echo "missing: docs/man/man3rsm/$fn.3rsm" >&2
    errors=$((errors + 1))
    continue
  fi
  target=$page
  so=$(sed -n 's/^\.so[[:space:]]\{1,\}//p' "$page")
  if [[ -n "$so" ]]; then
    [[ $(grep -cv '^\.\\"' "$page") -eq 1 ]] ||
      { echo "$fn.3rsm: a .so page must hold only the .so line" >&2
        errors=$((errors + 1)); continue; }
    target="$man_root/$so"
    [[ -e "$target" ]] ||
      { echo "$fn.3rsm: .so $so: no such page" >&2
        errors=$((errors + 1)); continue; }
    ! grep -q '^\.so' "$target" ||
      { echo "$fn.3rsm: .so $so points at another .so page" >&2
        errors=$((errors + 1)); continue; }
  fi
  if ! name_section "$target" | grep -qw -- "$fn"; then
    echo "$fn is not in the NAME section of $(basename "$target")" >&2
    errors=$((errors + 1))
  fi
done
if [[ $errors -eq 0 ]]; then
  echo "all $(wc -w <<<"$functions") exported functions have a page"
fi

# (b) Every page renders cleanly.
for page in "${pages[@]}"; do
  rel="man3rsm/$(basename "$page")"
  [[ "$(head -n 1 "$page")" == '.\" SPDX-License-Identifier: BSD-3-Clause' ]] ||
    { echo "$rel: the first line must be the SPDX line" >&2
      errors=$((errors + 1)); }
  problems=$(render_problems "$rel")
  if [[ -n "$problems" ]]; then
    echo "$rel:" >&2
    sed 's/^/  /' <<<"$problems" >&2
    errors=$((errors + 1))
  fi
done
[[ $errors -gt 0 ]] || echo "all ${#pages[@]} pages render without warnings"

# (c) Nothing refers outside the repository.
for file in "${pages[@]}" "${docs[@]}"; do
  if grep -nE '\.\./shared|/work/' "$file" >&2; then
    echo "  in $file: a reference outside the repository" >&2
    errors=$((errors + 1))
  fi
done
[[ $errors -eq 0 ]] || fail "$errors problem(s), listed above"
echo "man_pages_test: ok"
