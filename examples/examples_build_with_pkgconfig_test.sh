#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds every example as a user who copied it would: the installed library
# (//rsm:rsm-dist.tar unpacked into a prefix, as tools/install.sh does and
# tools/install_test.sh checks), the system compiler, C99, warnings as
# errors, and `pkg-config --cflags --libs rsm`. Every examples/*.c but
# example_util.c is a program, built with example_util.c. Fails if any does
# not compile; then runs each one's --help (which must list every option of
# its getopt_long table), the quickstart on the embedded default, and a ring
# of one node with cluster.
set -euo pipefail

runfiles="${TEST_SRCDIR}/${TEST_WORKSPACE}"
src="$runfiles/examples"
prefix="${TEST_TMPDIR}/prefix"
work="${TEST_TMPDIR}/work"
mkdir -p "$prefix" "$work"
tar -xf "$runfiles/rsm/rsm-dist.tar" -C "$prefix" --no-same-owner
source "$src/cli_checks.sh"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
unset RSM_CONFIG
flags=$(pkg-config --cflags --libs rsm)
echo "cc: $(cc --version | head -n 1); pkg-config --cflags --libs rsm: $flags"

examples=()
failures=0
for c in "$src"/*.c; do
  example=$(basename "$c" .c)
  [[ "$example" == example_util ]] && continue
  examples+=("$example")
  # shellcheck disable=SC2086 # $flags is a list of flags
  if cc -std=c99 -Wall -Wextra -Werror -o "$work/$example" "$c" \
    "$src/example_util.c" $flags; then
    echo "ok: $example builds with rsm.pc"
  else
    echo "FAIL: $example does not build with rsm.pc"
    failures=$((failures + 1))
  fi
done
if ((${#examples[@]} < 3)); then
  echo "FAIL: found ${#examples[@]} examples in $src, expected at least 3"
  exit 1
fi
if ((failures > 0)); then
  echo "$failures example(s) did not build"
  exit 1
fi

export LD_LIBRARY_PATH="$prefix/lib"
for example in "${examples[@]}"; do
  # Every long option in the program's getopt_long table, e.g.
  # {"records", required_argument, NULL, 'r'}, must be in its --help.
  mapfile -t options < <(sed -nE \
    's/^ *\{"([a-z][a-z0-9-]*)", *(no|required|optional)_argument.*/--\1/p' \
    "$src/$example.c")
  if ((${#options[@]} < 2)); then
    echo "FAIL: no getopt_long option table found in $example.c"
    exit 1
  fi
  check_help "$work/$example" "${options[@]}"
  # The program is linked against the installed librsm.so, not a copy.
  if ! ldd "$work/$example" | grep -q "$prefix/lib/librsm.so"; then
    echo "FAIL: $example does not use $prefix/lib/librsm.so:"
    ldd "$work/$example"
    exit 1
  fi
done

out=$("$work/quickstart")
echo "$out"
grep -q 'got back "hello, remote shared memory": identical$' <<<"$out"
grep -q '^quickstart: ok$' <<<"$out"

out=$(timeout 60 "$work/cluster" --nodes 1 --rounds 10)
echo "$out"
grep -q '^cluster: node 1: 10 tokens received and verified$' <<<"$out"
echo "examples_build_with_pkgconfig_test: ok (${examples[*]})"
