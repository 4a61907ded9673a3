#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Unpacks //rsm:dist into a prefix as tools/install.sh does, then, outside
# Bazel's toolchain, builds a C program with the system compiler and
# `pkg-config --cflags --libs rsm`, and runs it. Also checks that librsm.so
# exports exactly the functions in rsm/librsm.lds, that each has an
# installed man page that man(1) renders, and that the LICENSE and the docs
# the man pages refer to are installed.
set -euo pipefail

runfiles="${TEST_SRCDIR}/${TEST_WORKSPACE}"
prefix="${TEST_TMPDIR}/prefix"
work="${TEST_TMPDIR}/work"
mkdir -p "$prefix" "$work"
tar -xf "$runfiles/rsm/rsm-dist.tar" -C "$prefix" --no-same-owner

for f in include/rsmapi.h lib/librsm.so.2 lib/librsm.so lib/librsm.a \
         lib/pkgconfig/rsm.pc share/man/man3rsm/rsmapi.3rsm \
         share/doc/rsm/LICENSE share/doc/rsm/compatibility.md \
         share/doc/rsm/configuration.md share/doc/rsm/troubleshooting.md; do
  [[ -e "$prefix/$f" ]] || { echo "missing $prefix/$f" >&2; exit 1; }
done

# Exported symbols: exactly the version script's list, all versioned.
want=$(sed -n 's/^ *\(rsm_[a-z0-9_]*\);$/\1/p' "$runfiles/rsm/librsm.lds" | sort)
got=$(nm -D --defined-only "$prefix/lib/librsm.so.2" | awk '$2 == "T" {print $3}' \
        | sed 's/@.*//' | sort)
if [[ "$want" != "$got" ]]; then
  echo "exported functions differ from rsm/librsm.lds:" >&2
  diff <(echo "$want") <(echo "$got") >&2 || true
  exit 1
fi
[[ -n "$want" ]] || { echo "librsm.lds lists no functions" >&2; exit 1; }
echo "librsm.so.2 exports $(wc -l <<<"$want") functions, as librsm.lds lists"

# The LICENSE is the project's (BSD-3-Clause, as the SPDX lines say).
grep -q '^BSD 3-Clause License$' "$prefix/share/doc/rsm/LICENSE" ||
  { echo "share/doc/rsm/LICENSE is not the BSD 3-Clause licence" >&2; exit 1; }

# Every exported function has an installed man page, and man(1) finds and
# renders it from the prefix (an alias's .so resolves there) without a
# warning.
command -v man >/dev/null ||
  { echo "man not found: install man-db and groff-base (tools/bootstrap.sh)" >&2; exit 1; }
for fn in $want; do
  [[ -f "$prefix/share/man/man3rsm/$fn.3rsm" ]] ||
    { echo "no man page $prefix/share/man/man3rsm/$fn.3rsm" >&2; exit 1; }
done
for fn in rsm_memseg_import_put rsm_memseg_import_put8 rsmapi; do
  rendered=$(MANWIDTH=80 LC_ALL=C.UTF-8 MANPAGER=cat man --warnings=w \
               -M "$prefix/share/man" 3rsm "$fn" 2>"$work/man.err") ||
    { echo "man -M $prefix/share/man 3rsm $fn failed:" >&2; cat "$work/man.err" >&2; exit 1; }
  if [[ -s "$work/man.err" ]]; then
    echo "man 3rsm $fn warned:" >&2; cat "$work/man.err" >&2; exit 1
  fi
  grep -q "^NAME" <<<"$rendered" && grep -qw "$fn" <<<"$rendered" ||
    { echo "man 3rsm $fn did not render its page" >&2; exit 1; }
done
echo "the man pages and share/doc/rsm are installed"

# The program must call every exported function.
src="$runfiles/testdata/install/uses_every_function.c"
for fn in $want; do
  grep -q "\b$fn(" "$src" || { echo "$src does not call $fn" >&2; exit 1; }
done

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
unset RSM_CONFIG
cc -std=c99 -Wall -Wextra -Werror -o "$work/prog" "$src" \
  $(pkg-config --cflags --libs rsm)
LD_LIBRARY_PATH="$prefix/lib" "$work/prog"

# librsm.a holds all of librsm: linked statically, with the system libraries
# rsm.pc names as private dependencies linked as shared ones (a fully static
# DPDK needs more -dev packages than this project installs).
cc -std=c99 -o "$work/prog_static" "$src" $(pkg-config --cflags rsm) \
  "$prefix/lib/librsm.a" \
  $(pkg-config --libs $(pkg-config --print-requires-private rsm)) \
  $(sed -n 's/^Libs.private: //p' "$PKG_CONFIG_PATH/rsm.pc")
if ldd "$work/prog_static" | grep -q librsm; then
  echo "prog_static is linked against librsm.so, not librsm.a" >&2
  exit 1
fi
"$work/prog_static"
echo "install_test: ok"
