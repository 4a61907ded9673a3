#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Builds librsm and installs it under PREFIX:
#   PREFIX/include/rsmapi.h, rsm_dpdk.h (extensions)
#   PREFIX/lib/librsm.so.2, librsm.so -> librsm.so.2, librsm.a
#   PREFIX/lib/pkgconfig/rsm.pc
#   PREFIX/share/man/man3rsm/*.3rsm (a page per function; rsmapi(3RSM) first)
#   PREFIX/share/doc/rsm/LICENSE, compatibility.md, configuration.md,
#     troubleshooting.md (what the man pages refer to)
# then `cc prog.c $(pkg-config --cflags --libs rsm)` (with PKG_CONFIG_PATH
# including PREFIX/lib/pkgconfig) builds a Solaris RSMAPI program.
set -euo pipefail

if [[ $# -ne 1 || "$1" == -* ]]; then
  echo "usage: $0 PREFIX   (e.g. $0 /usr/local)" >&2
  exit 2
fi
prefix=$1
cd "$(dirname "$0")/.."

bazel build -c opt //rsm:dist
mkdir -p "$prefix"
tar -xf bazel-bin/rsm/rsm-dist.tar -C "$prefix" --no-same-owner
echo "installed rsmapi.h, rsm_dpdk.h, librsm.so.2, librsm.a, rsm.pc, the 3RSM man pages and share/doc/rsm (LICENSE, docs) under $prefix"
echo "for the man pages: man -M $prefix/share/man 3rsm rsmapi (or add $prefix/share/man to MANPATH)"
if [[ ":${PKG_CONFIG_PATH:-}:" != *":$prefix/lib/pkgconfig:"* ]]; then
  echo "for pkg-config: export PKG_CONFIG_PATH=$prefix/lib/pkgconfig\${PKG_CONFIG_PATH:+:\$PKG_CONFIG_PATH}"
fi
