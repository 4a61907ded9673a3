/* SPDX-License-Identifier: BSD-3-Clause */
/* quickstart: the first thing to run. Opens the `dpdk0` controller (or the
 * one named on the command line), prints its attributes and the cluster's
 * interconnect topology, then does one full round of remote shared memory:
 * exports a page-aligned buffer, publishes it, imports it again (this node
 * importing its own segment, so on dpdk0 every step crosses the protocol:
 * frames, sequence numbers, acknowledgements), puts into it, gets it back,
 * unpublishes, and prints the controller's frame counters.
 *
 * With no RSM_CONFIG set this runs on the embedded default: one node, the
 * built-in `loopback` controller and `dpdk0` on an in-process net_ring port.
 * Point RSM_CONFIG at a cluster file to run on a real cluster. */
#define _POSIX_C_SOURCE 200112L
#include <rsm_dpdk.h>
#include <rsmapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void print_hwaddr(rsm_addr_t hwaddr) {
  int shift;
  for (shift = 40; shift >= 0; shift -= 8) {
    printf("%02x%s", (unsigned)((hwaddr >> shift) & 0xff), shift ? ":" : "");
  }
}

static const char *state_name(uint_t state) {
  switch (state) {
    case 1:
      return "down";
    case 2:
      return "up";
    case RSM_CONNECTION_ACTIVE:
      return "active";
    case 4:
      return "going down";
    default:
      return "unknown";
  }
}

static int print_controller(char *name) {
  rsmapi_controller_handle_t controller;
  rsmapi_controller_attr_t attr;
  int rc = rsm_get_controller(name, &controller);
  if (rc != RSM_SUCCESS) {
    fprintf(stderr, "rsm_get_controller(%s) failed: %d\n", name, rc);
    return rc;
  }
  rc = rsm_get_controller_attr(controller, &attr);
  if (rc != RSM_SUCCESS) {
    fprintf(stderr, "rsm_get_controller_attr(%s) failed: %d\n", name, rc);
    rsm_release_controller(controller);
    return rc;
  }
  printf("controller %s\n", name);
  printf("  page size                %zu\n", attr.attr_page_size);
  printf("  direct access sizes      0x%x\n", attr.attr_direct_access_sizes);
  printf("  atomic sizes             0x%x\n", attr.attr_atomic_sizes);
  printf("  max export segment size  %zu\n", attr.attr_max_export_segment_size);
  printf("  total export size        %zu\n", attr.attr_tot_export_segment_size);
  printf("  max export segments      %lu\n", attr.attr_max_export_segments);
  printf("  max import map size      %zu\n", attr.attr_max_import_map_size);
  printf("  total import map size    %zu\n", attr.attr_tot_import_map_size);
  printf("  max import segments      %lu\n", attr.attr_max_import_segments);
  return rsm_release_controller(controller);
}

#define CHECK(call)                                   \
  do {                                                \
    int rc_ = (call);                                 \
    if (rc_ != RSM_SUCCESS) {                         \
      fprintf(stderr, "%s failed: %d\n", #call, rc_); \
      return rc_;                                     \
    }                                                 \
  } while (0)

/* Export, publish, import, put, get, unpublish: the whole life of a segment,
 * on one node. */
static int round_trip(char *name, rsm_node_id_t node) {
  static const char message[] = "hello, remote shared memory";
  rsmapi_controller_handle_t controller;
  rsm_memseg_export_handle_t exported;
  rsm_memseg_import_handle_t imported;
  rsm_memseg_id_t id = 0; /* 0: the library assigns one */
  rsm_dpdk_counters_t counters;
  size_t size = (size_t)sysconf(_SC_PAGESIZE);
  char readback[sizeof message];
  void *memory;
  int same;

  if (posix_memalign(&memory, size, size) != 0) return RSMERR_INSUFFICIENT_MEM;
  memset(memory, 0, size);
  CHECK(rsm_get_controller(name, &controller));
  CHECK(rsm_memseg_export_create(controller, &exported, memory, size, 0));
  CHECK(rsm_memseg_export_publish(exported, &id, NULL, 0));
  printf("exported %zu bytes as segment 0x%x on node %u\n", size, id, node);
  CHECK(rsm_memseg_import_connect(controller, node, id, RSM_PERM_RDWR,
                                  &imported));
  CHECK(rsm_memseg_import_put(imported, 64, (void *)message, sizeof message));
  CHECK(rsm_memseg_import_get(imported, 64, readback, sizeof readback));
  same = memcmp(readback, message, sizeof message) == 0 &&
         memcmp((char *)memory + 64, message, sizeof message) == 0;
  printf("put %zu bytes, got back \"%s\": %s\n", sizeof message, readback,
         same ? "identical" : "DIFFERENT");
  CHECK(rsm_memseg_import_disconnect(imported));
  CHECK(rsm_memseg_export_unpublish(exported));
  CHECK(rsm_memseg_export_destroy(exported));
  CHECK(rsm_dpdk_get_counters(controller, &counters));
  printf(
      "frames out %llu, in %llu, retransmitted %llu, dropped %llu; "
      "puts applied %llu, gets served %llu\n",
      (unsigned long long)counters.frames_out,
      (unsigned long long)counters.frames_in,
      (unsigned long long)counters.retransmits,
      (unsigned long long)counters.frames_dropped,
      (unsigned long long)counters.puts_applied,
      (unsigned long long)counters.gets_served);
  CHECK(rsm_release_controller(controller));
  free(memory);
  return same ? RSM_SUCCESS : RSMERR_INTERNAL_ERROR;
}

static int print_topology(rsm_node_id_t *local_node) {
  rsm_topology_t *topology;
  uint_t c;
  int r;
  int rc = rsm_get_interconnect_topology(&topology);
  if (rc != RSM_SUCCESS) {
    fprintf(stderr, "rsm_get_interconnect_topology failed: %d\n", rc);
    return rc;
  }
  *local_node = topology->topology_hdr.local_nodeid;
  printf("topology: this is node %u, %u controller(s)\n",
         topology->topology_hdr.local_nodeid,
         topology->topology_hdr.local_cntlr_count);
  for (c = 0; c < topology->topology_hdr.local_cntlr_count; ++c) {
    const rsm_connections_t *conn = topology->connections[c];
    printf("  %s  hwaddr ", conn->hdr.cntlr_name);
    print_hwaddr(conn->hdr.local_hwaddr);
    printf("  %d remote controller(s)\n", conn->hdr.remote_cntlr_count);
    for (r = 0; r < conn->hdr.remote_cntlr_count; ++r) {
      const rsm_remote_cntlr_t *remote = &conn->remote_cntlr[r];
      printf("    node %u  %s  hwaddr ", remote->remote_nodeid,
             remote->remote_cntlrname);
      print_hwaddr(remote->remote_hwaddr);
      printf("  %s\n", state_name(remote->connection_state));
    }
  }
  rsm_free_interconnect_topology(topology);
  return RSM_SUCCESS;
}

int main(int argc, char **argv) {
  char *name = argc > 1 ? argv[1] : "dpdk0";
  const char *config = getenv("RSM_CONFIG");
  rsm_node_id_t node = 0;
  printf("rsm-dpdk quickstart\n");
  printf("configuration: %s\n",
         config && *config ? config
                           : "embedded default (set RSM_CONFIG to use a "
                             "cluster file)");
  if (print_controller(name) != RSM_SUCCESS) return 1;
  if (print_topology(&node) != RSM_SUCCESS) return 1;
  if (round_trip(name, node) != RSM_SUCCESS) return 1;
  printf("quickstart: ok\n");
  return 0;
}
