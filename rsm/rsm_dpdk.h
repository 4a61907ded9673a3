/* SPDX-License-Identifier: BSD-3-Clause */
/* rsm-dpdk extensions to the RSMAPI: what Solaris had no call for. A program
 * that uses only <rsmapi.h> never needs this header. */
#ifndef RSM_DPDK_H_
#define RSM_DPDK_H_

#include <stdint.h>

#include "rsmapi.h"

#ifdef __cplusplus
extern "C" {
#endif

/* A controller's traffic since it was opened. All zero on `loopback`, which
 * copies in-process and sends no frames. */
typedef struct {
  uint64_t frames_out; /* frames sent, retransmissions included */
  uint64_t frames_in;  /* frames received */
  uint64_t bytes_out;
  uint64_t bytes_in;
  uint64_t retransmits;    /* frames sent again */
  uint64_t frames_dropped; /* received frames refused (any reason) */
  uint64_t puts_applied;   /* PUT messages written into this node's segments */
  uint64_t gets_served;    /* GET requests this node answered with data */
  uint64_t accesses_refused; /* PUT/GET refused: connection, right or bounds */
} rsm_dpdk_counters_t;

/* RSMERR_BAD_CTLR_HNDL, RSMERR_CTLR_NOT_PRESENT as rsm_get_controller_attr;
 * RSMERR_BAD_ADDR for a NULL `counters`. */
int rsm_dpdk_get_counters(rsmapi_controller_handle_t controller,
                          rsm_dpdk_counters_t *counters);

#ifdef __cplusplus
}
#endif

#endif /* RSM_DPDK_H_ */
