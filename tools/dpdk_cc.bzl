# SPDX-License-Identifier: BSD-3-Clause
"""cc rules for code that includes DPDK headers.

DPDK's compile flags (`-include rte_config.h`, `-march=...`, include paths)
cannot travel through a cc_library's deps, so every target that includes a
DPDK header needs them in its own copts. These macros add them, and the two
system libraries every such target links (@dpdk, @absl), in one place.
"""

load("@dpdk//:defs.bzl", DPDK_COPTS = "COPTS")

_COMMON_DEPS = ["@absl//:lib", "@dpdk//:lib"]

def _with_dpdk(kwargs):
    kwargs["copts"] = DPDK_COPTS + kwargs.get("copts", [])
    deps = kwargs.get("deps", [])
    kwargs["deps"] = deps + [d for d in _COMMON_DEPS if d not in deps]
    return kwargs

def dpdk_cc_library(**kwargs):
    native.cc_library(**_with_dpdk(kwargs))

def dpdk_cc_binary(**kwargs):
    native.cc_binary(**_with_dpdk(kwargs))

def dpdk_cc_test(**kwargs):
    native.cc_test(**_with_dpdk(kwargs))
