/* SPDX-License-Identifier: BSD-3-Clause */
/* Helpers the example programs share: names of RSMAPI codes, little-endian
 * records with a checksum, time, command-line checks, the frame counters. */
/* clock_gettime, nanosleep and optind under -std=c99. */
#define _POSIX_C_SOURCE 200112L

#include "example_util.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

const char *rsm_error_name(int code) {
  switch (code) {
    case RSM_SUCCESS:
      return "RSM_SUCCESS";
    case RSMERR_BAD_CTLR_HNDL:
      return "RSMERR_BAD_CTLR_HNDL";
    case RSMERR_CTLR_NOT_PRESENT:
      return "RSMERR_CTLR_NOT_PRESENT";
    case RSMERR_BAD_SEG_HNDL:
      return "RSMERR_BAD_SEG_HNDL";
    case RSMERR_SEG_ALREADY_PUBLISHED:
      return "RSMERR_SEG_ALREADY_PUBLISHED";
    case RSMERR_SEG_NOT_PUBLISHED:
      return "RSMERR_SEG_NOT_PUBLISHED";
    case RSMERR_SEG_NOT_PUBLISHED_TO_NODE:
      return "RSMERR_SEG_NOT_PUBLISHED_TO_NODE";
    case RSMERR_BAD_BARRIER_PTR:
      return "RSMERR_BAD_BARRIER_PTR";
    case RSMERR_BAD_ADDR:
      return "RSMERR_BAD_ADDR";
    case RSMERR_BAD_MEM_ALIGNMENT:
      return "RSMERR_BAD_MEM_ALIGNMENT";
    case RSMERR_BAD_LENGTH:
      return "RSMERR_BAD_LENGTH";
    case RSMERR_BAD_ACL:
      return "RSMERR_BAD_ACL";
    case RSMERR_BAD_SEGID:
      return "RSMERR_BAD_SEGID";
    case RSMERR_RESERVED_SEGID:
      return "RSMERR_RESERVED_SEGID";
    case RSMERR_SEGID_IN_USE:
      return "RSMERR_SEGID_IN_USE";
    case RSMERR_BAD_MODE:
      return "RSMERR_BAD_MODE";
    case RSMERR_PERM_DENIED:
      return "RSMERR_PERM_DENIED";
    case RSMERR_INSUFFICIENT_RESOURCES:
      return "RSMERR_INSUFFICIENT_RESOURCES";
    case RSMERR_INSUFFICIENT_MEM:
      return "RSMERR_INSUFFICIENT_MEM";
    case RSMERR_POLLFD_IN_USE:
      return "RSMERR_POLLFD_IN_USE";
    case RSMERR_BARRIER_UNINITIALIZED:
      return "RSMERR_BARRIER_UNINITIALIZED";
    case RSMERR_BARRIER_OPEN_FAILED:
      return "RSMERR_BARRIER_OPEN_FAILED";
    case RSMERR_BARRIER_NOT_OPENED:
      return "RSMERR_BARRIER_NOT_OPENED";
    case RSMERR_BARRIER_FAILURE:
      return "RSMERR_BARRIER_FAILURE";
    case RSMERR_REMOTE_NODE_UNREACHABLE:
      return "RSMERR_REMOTE_NODE_UNREACHABLE";
    case RSMERR_CONN_ABORTED:
      return "RSMERR_CONN_ABORTED";
    case RSMERR_INTERRUPTED:
      return "RSMERR_INTERRUPTED";
    case RSMERR_TIMEOUT:
      return "RSMERR_TIMEOUT";
    case RSMERR_INTERNAL_ERROR:
      return "RSMERR_INTERNAL_ERROR";
    case RSMERR_BAD_ARGS_ERRORS:
      return "RSMERR_BAD_ARGS_ERRORS";
    default:
      return "an RSMAPI error";
  }
}

void store_le64(unsigned char *at, uint64_t value) {
  int i;
  for (i = 0; i < 8; ++i) at[i] = (unsigned char)(value >> (8 * i));
}

uint64_t load_le64(const unsigned char *at) {
  uint64_t value = 0;
  int i;
  for (i = 7; i >= 0; --i) value = (value << 8) | at[i];
  return value;
}

uint64_t fnv1a64(const unsigned char *data, size_t length) {
  uint64_t hash = 14695981039346656037ull;
  size_t i;
  for (i = 0; i < length; ++i) {
    hash ^= data[i];
    hash *= 1099511628211ull;
  }
  return hash;
}

long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void sleep_ms(long ms) {
  struct timespec ts;
  ts.tv_sec = ms / 1000;
  ts.tv_nsec = (ms % 1000) * 1000000L;
  while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
  }
}

int parse_number(const char *text, unsigned long min, unsigned long max,
                 unsigned long *out) {
  const char *digits = text;
  int base = 10;
  char *end;
  unsigned long value;
  if (text == NULL) return -1;
  if (text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    digits = text + 2;
    base = 16;
  }
  /* strtoul alone would take " 5", "+5", "-5" (as a huge number) and, with
   * base 0, "010" as octal 8: let only digits start the number. */
  if (base == 16 ? !isxdigit((unsigned char)*digits)
                 : !isdigit((unsigned char)*digits)) {
    return -1;
  }
  errno = 0;
  value = strtoul(digits, &end, base);
  if (errno != 0 || *end != '\0' || value < min || value > max) return -1;
  *out = value;
  return 0;
}

void exit_usage(const char *program) {
  fprintf(stderr, "Try '%s --help' for the options.\n", program);
  exit(EXIT_USAGE);
}

void usage_error(const char *program, const char *format, ...) {
  va_list args;
  fprintf(stderr, "%s: ", program);
  va_start(args, format);
  vfprintf(stderr, format, args);
  va_end(args);
  fputc('\n', stderr);
  exit_usage(program);
}

char *only_argument(int argc, char **argv) {
  if (optind >= argc) return NULL;
  if (optind + 1 < argc) {
    usage_error(argv[0], "unexpected argument '%s'", argv[optind + 1]);
  }
  return argv[optind];
}

unsigned long option_number(const char *program, const char *option,
                            const char *text, unsigned long min,
                            unsigned long max) {
  unsigned long value = 0;
  if (parse_number(text, min, max, &value) != 0) {
    /* Segment ids (0x400000 up) read better in hexadecimal. */
    usage_error(program,
                min > 0xffff ? "%s: '%s' is not a number from 0x%lx to 0x%lx"
                             : "%s: '%s' is not a number from %lu to %lu",
                option, text, min, max);
  }
  return value;
}

void print_counters(const char *who, rsmapi_controller_handle_t controller,
                    const char *name) {
  rsm_dpdk_counters_t counters;
  const int rc = rsm_dpdk_get_counters(controller, &counters);
  if (rc != RSM_SUCCESS) {
    fprintf(stderr, "%s: rsm_dpdk_get_counters failed: %s (%d)\n", who,
            rsm_error_name(rc), rc);
    return;
  }
  printf(
      "%s: %s frames in %llu, out %llu, retransmitted %llu, dropped %llu; "
      "puts applied %llu\n",
      who, name, (unsigned long long)counters.frames_in,
      (unsigned long long)counters.frames_out,
      (unsigned long long)counters.retransmits,
      (unsigned long long)counters.frames_dropped,
      (unsigned long long)counters.puts_applied);
}
