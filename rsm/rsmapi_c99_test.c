/* SPDX-License-Identifier: BSD-3-Clause */
/* rsmapi.h compiled as strict C99 with every warning an error, as a Solaris
 * program would include it; the structures checked for the LP64 layout that
 * Solaris's amd64 headers give. */
#include <rsmapi.h>
#include <stddef.h>
#include <stdio.h>

static int failures = 0;

static void expect_size(const char *what, size_t actual, size_t expected) {
  if (actual != expected) {
    fprintf(stderr, "%s: %zu, expected %zu\n", what, actual, expected);
    ++failures;
  }
}

int main(void) {
  rsm_iovec_t iov;
  rsm_scat_gath_t sg;
  caddr_t vaddr = NULL;

  iov.io_type = RSM_VA_TYPE;
  iov.local.vaddr = vaddr;
  sg.io_request_count = RSM_MAX_SGIOREQS;
  sg.flags = RSM_IMPLICIT_SIGPOST | RSM_SIGPOST_NO_ACCUMULATE;
  sg.iovec = &iov;
  (void)sg;

  expect_size("rsmapi_controller_attr_t", sizeof(rsmapi_controller_attr_t), 64);
  expect_size("rsmapi_access_entry_t", sizeof(rsmapi_access_entry_t), 8);
  expect_size("rsmapi_barrier_t", sizeof(rsmapi_barrier_t), 24);
  expect_size("rsm_barrier_t", sizeof(rsm_barrier_t), 32);
  expect_size("rsm_iovec_t", sizeof(rsm_iovec_t), 40);
  expect_size("rsm_scat_gath_t", sizeof(rsm_scat_gath_t), 48);
  expect_size("rsm_topology_hdr_t", sizeof(rsm_topology_hdr_t), 8);
  expect_size("rsm_connections_hdr_t", sizeof(rsm_connections_hdr_t), 272);
  expect_size("rsm_remote_cntlr_t", sizeof(rsm_remote_cntlr_t), 280);
  expect_size("offsetof(rsm_remote_cntlr_t, remote_hwaddr)",
              offsetof(rsm_remote_cntlr_t, remote_hwaddr), 264);
  expect_size("offsetof(rsm_topology_t, connections)",
              offsetof(rsm_topology_t, connections), 8);
  expect_size("offsetof(rsm_scat_gath_t, remote_handle)",
              offsetof(rsm_scat_gath_t, remote_handle), 32);
  return failures == 0 ? 0 : 1;
}
