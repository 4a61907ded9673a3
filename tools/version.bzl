# SPDX-License-Identifier: BSD-3-Clause
"""The release version, in one place (rsm.pc, tools)."""

RSM_VERSION = "0.1.0"
