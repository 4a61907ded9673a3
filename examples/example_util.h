// SPDX-License-Identifier: BSD-3-Clause
/* Helpers the example programs share. Plain C99 on <rsmapi.h>, and on
 * <rsm_dpdk.h> for print_counters only. */
#ifndef RSM_EXAMPLES_EXAMPLE_UTIL_H_
#define RSM_EXAMPLES_EXAMPLE_UTIL_H_

#include <rsm_dpdk.h>
#include <rsmapi.h>
#include <stddef.h>
#include <stdint.h>

/* "RSMERR_TIMEOUT" for 42; "an RSMAPI error" for a code not listed. */
const char *rsm_error_name(int code);

/* Records travel as little-endian 64-bit words. */
void store_le64(unsigned char *at, uint64_t value);
uint64_t load_le64(const unsigned char *at);
/* FNV-1a, to check that a record arrived whole. */
uint64_t fnv1a64(const unsigned char *data, size_t length);

long long now_ms(void);
void sleep_ms(long ms);
/* A whole decimal or 0x-prefixed number in [min, max]: 0, else -1. */
int parse_number(const char *text, unsigned long min, unsigned long max,
                 unsigned long *out);

/* "<who>: <name> frames in ..., out ..., retransmitted ..., dropped ...;
 * puts applied ...": the controller's traffic (rsm_dpdk_get_counters). */
void print_counters(const char *who, rsmapi_controller_handle_t controller,
                    const char *name);

#endif /* RSM_EXAMPLES_EXAMPLE_UTIL_H_ */
