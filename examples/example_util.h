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

/* ---- Command lines (getopt_long) ---------------------------------------
 * The exit status of a bad command line, as GNU programs use it. */
#define EXIT_USAGE 2

#if defined(__GNUC__)
#define EXAMPLE_NORETURN __attribute__((noreturn))
#define EXAMPLE_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define EXAMPLE_NORETURN
#define EXAMPLE_PRINTF(f, a)
#endif

/* A whole number in [min, max], in decimal ("10", never octal) or with a 0x
 * prefix ("0x400100"): no sign, no spaces, nothing after it. 0, else -1. */
int parse_number(const char *text, unsigned long min, unsigned long max,
                 unsigned long *out);

/* Prints "Try '<program> --help' for the options." to stderr and exits
 * EXIT_USAGE: for getopt_long's '?', which has already said what is wrong. */
EXAMPLE_NORETURN void exit_usage(const char *program);

/* Prints "<program>: <message>" to stderr, then as exit_usage. */
EXAMPLE_NORETURN EXAMPLE_PRINTF(2, 3) void usage_error(const char *program,
                                                       const char *format, ...);

/* After the getopt_long loop, which moves the arguments that are not
 * options to the end: the one left, or NULL if none is; usage_error
 * "unexpected argument" if there are more. */
char *only_argument(int argc, char **argv);

/* The value of `option` (its name, for the message): parse_number's number
 * in [min, max], or usage_error "<option>: '<text>' is not a number from
 * <min> to <max>" (in hexadecimal from a min above 0xffff). */
unsigned long option_number(const char *program, const char *option,
                            const char *text, unsigned long min,
                            unsigned long max);

/* "<who>: <name> frames in ..., out ..., retransmitted ..., dropped ...;
 * puts applied ...": the controller's traffic (rsm_dpdk_get_counters). */
void print_counters(const char *who, rsmapi_controller_handle_t controller,
                    const char *name);

#endif /* RSM_EXAMPLES_EXAMPLE_UTIL_H_ */
