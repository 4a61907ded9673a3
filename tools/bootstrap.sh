#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-3-Clause
# Installs every Debian 12 package the build, tests, examples and benchmarks
# need. Idempotent: when everything is present it does nothing (no apt-get
# update, no root needed), so CI and developers can run it on every build.
set -euo pipefail

PACKAGES=(
  # Bazel 4.2.3 as packaged by Debian; the workspace builds fully offline with it.
  bazel-bootstrap
  # The C/C++ toolchain Bazel autodetects (and libc headers for it).
  gcc g++ libc6-dev
  # third_party/pkg_config.bzl finds every system library below through pkg-config.
  pkg-config
  # DPDK headers and libraries (incl. librte_net_ring), plus its runtime tools.
  libdpdk-dev dpdk
  # Abseil: flags, status, strings, containers, synchronization (@absl).
  libabsl-dev
  # GoogleTest/GoogleMock for the unit tests (@gtest links gmock_main).
  libgtest-dev libgmock-dev googletest
  # Google Benchmark for benchmarks/ (@benchmark).
  libbenchmark-dev
  # git for working with the repository; iproute2 (ip link/netns) for network tests.
  git iproute2
  # python3 for tools/bench_report.py (its smoke test is in bazel test //...).
  python3
  # clang and its libFuzzer/sanitizer runtimes for fuzz/ (in bazel test //...).
  clang libclang-rt-14-dev
  # man and groff render the 3RSM man pages (//docs:man_pages_test, //tools:install_test).
  man-db groff-base
  # tshark runs the Wireshark dissector tools/wireshark/rsm.lua (//tools/wireshark:dissector_test).
  tshark
)

# A package counts as present only when dpkg says "install ok installed";
# removed-but-configured ("deinstall ok config-files") or unknown is missing.
missing=()
for pkg in "${PACKAGES[@]}"; do
  status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
  if [[ "$status" != "install ok installed" ]]; then
    missing+=("$pkg")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "bootstrap: all ${#PACKAGES[@]} packages present"
  exit 0
fi

if [[ "$(id -u)" != 0 ]]; then
  # Never sudo behind the user's back; say exactly what to run instead.
  {
    echo "bootstrap: missing ${#missing[@]} Debian package(s): ${missing[*]}"
    echo "bootstrap: installing them needs root; run:"
    echo "  sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
    echo "bootstrap: or re-run this script as root: sudo $0"
  } >&2
  exit 1
fi

echo "bootstrap: installing ${#missing[@]} missing package(s): ${missing[*]}"
# Only refresh the index when something must be installed: a fresh machine
# has no package lists, and the no-op path must stay fast and offline.
apt-get update
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
echo "bootstrap: installed: ${missing[*]}"
