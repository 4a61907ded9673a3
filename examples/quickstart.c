/* SPDX-License-Identifier: BSD-3-Clause */
/* quickstart: the first thing to run, and the whole life of one segment.
 *
 * What it shows, in order:
 *   rsm_get_controller, rsm_get_controller_attr, rsm_release_controller:
 *       open a controller by name and print what it can do;
 *   rsm_get_interconnect_topology, rsm_free_interconnect_topology:
 *       this node's id, its controllers and the remote nodes they reach;
 *   rsm_memseg_export_create, rsm_memseg_export_publish:
 *       export a page-aligned buffer and publish it under a segment id (the
 *       library picks one unless --segment-id names it);
 *   rsm_memseg_import_connect, rsm_memseg_import_put, rsm_memseg_import_get,
 *   rsm_memseg_import_disconnect:
 *       import that segment (this node importing its own: on dpdk0 every
 *       step still crosses the protocol, with frames, sequence numbers and
 *       acknowledgements), put a message into it and get it back;
 *   rsm_memseg_export_unpublish, rsm_memseg_export_destroy: take it away;
 *   rsm_dpdk_get_counters (<rsm_dpdk.h>, not Solaris): the frames it took.
 *
 *   quickstart [--controller NAME | NAME] [--segment-id ID]
 *
 * Running it. With no RSM_CONFIG set this runs on the embedded default: one
 * node (1), the built-in `loopback` controller (local copies, no frames) and
 * `dpdk0` on an in-process net_ring port; no hugepages, NIC or root needed:
 *
 *   bazel run //examples:quickstart
 *   bazel run //examples:quickstart -- loopback       (or --controller)
 *
 * Point RSM_CONFIG at a cluster file to run it on one node of a cluster;
 * testdata/cluster/memif_node1.ini is node 1 of a two-node pair on one host
 * (the memif server, which needs no peer to start):
 *
 *   RSM_CONFIG=testdata/cluster/memif_node1.ini bazel-bin/examples/quickstart
 *
 * Outside Bazel, against the installed library (tools/install.sh):
 *
 *   cc -std=c99 quickstart.c example_util.c $(pkg-config --cflags --libs rsm)
 *
 * What it prints on the embedded default (numbers vary):
 *
 *   rsm-dpdk quickstart
 *   configuration: embedded default (set RSM_CONFIG to use a cluster file)
 *   controller dpdk0
 *     page size                4096
 *     ...
 *   topology: this is node 1, 1 controller(s)
 *     dpdk0  hwaddr 02:52:53:4d:01:00  0 remote controller(s)
 *   exported 4096 bytes as segment 0x80000000 on node 1
 *   put 28 bytes, got back "hello, remote shared memory": identical
 *   frames out 9, in 9, retransmitted 0, dropped 0; puts applied 1, gets
 *   served 1
 *   quickstart: ok
 *
 * and exits 0; a failing call prints its name and error code and exits 1,
 * a bad command line exits 2. */
#define _DEFAULT_SOURCE /* getopt_long, with -std=c99 */
#include <getopt.h>
#include <rsm_dpdk.h>
#include <rsmapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "example_util.h"

#define DEFAULT_CONTROLLER "dpdk0"
/* The segment ids an application may publish under; 0 asks the library. */
#define MIN_SEGMENT_ID 0x400000ul
#define MAX_SEGMENT_ID 0x7ffffffful

struct options {
  char *controller;
  rsm_memseg_id_t segment_id; /* 0: the library assigns one */
};

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
    fprintf(stderr, "rsm_get_controller(%s) failed: %s (%d)\n", name,
            rsm_error_name(rc), rc);
    return rc;
  }
  rc = rsm_get_controller_attr(controller, &attr);
  if (rc != RSM_SUCCESS) {
    fprintf(stderr, "rsm_get_controller_attr(%s) failed: %s (%d)\n", name,
            rsm_error_name(rc), rc);
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

/* Returns the code of a failing call, after printing it. (A program that
 * goes on after a failure must undo the steps before it: producer_consumer.c
 * shows how.) */
#define CHECK(call)                                                       \
  do {                                                                    \
    int rc_ = (call);                                                     \
    if (rc_ != RSM_SUCCESS) {                                             \
      fprintf(stderr, "%s failed: %s (%d)\n", #call, rsm_error_name(rc_), \
              rc_);                                                       \
      return rc_;                                                         \
    }                                                                     \
  } while (0)

/* Export, publish, import, put, get, unpublish: the whole life of a segment,
 * on one node. */
static int round_trip(char *name, rsm_memseg_id_t id, rsm_node_id_t node) {
  static const char message[] = "hello, remote shared memory";
  rsmapi_controller_handle_t controller;
  rsm_memseg_export_handle_t exported;
  rsm_memseg_import_handle_t imported;
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
    fprintf(stderr, "rsm_get_interconnect_topology failed: %s (%d)\n",
            rsm_error_name(rc), rc);
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

static void usage(FILE *out) {
  fprintf(out,
          "usage: quickstart [--controller NAME | NAME] [--segment-id ID]\n"
          "Opens a controller, prints it and the topology, and exports,\n"
          "publishes, imports, puts, gets and unpublishes one page.\n"
          "Runs on the embedded default, or on the cluster file RSM_CONFIG\n"
          "names.\n"
          "\n"
          "  -c, --controller NAME  the controller to use, also given as the\n"
          "                         only argument (default " DEFAULT_CONTROLLER
          ";\n"
          "                         the embedded default also has loopback)\n"
          "  -s, --segment-id ID    publish under ID, 0x%lx to 0x%lx\n"
          "                         (default: the library assigns one)\n"
          "  -h, --help             print this and exit\n",
          MIN_SEGMENT_ID, MAX_SEGMENT_ID);
}

/* Fills `o` from the command line; exits 0 after --help, EXIT_USAGE (2) on
 * a bad option or value. Messages start with argv[0], as getopt_long's do.
 */
static void parse_options(int argc, char **argv, struct options *o) {
  static char default_controller[] = DEFAULT_CONTROLLER;
  static const struct option long_options[] = {
      {"controller", required_argument, NULL, 'c'},
      {"segment-id", required_argument, NULL, 's'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  char *controller = NULL; /* --controller NAME */
  char *argument;          /* or NAME alone */
  int c;
  o->segment_id = 0;
  while ((c = getopt_long(argc, argv, "c:s:h", long_options, NULL)) != -1) {
    switch (c) {
      case 'c':
        controller = optarg;
        break;
      case 's':
        o->segment_id = (rsm_memseg_id_t)option_number(
            argv[0], "--segment-id", optarg, MIN_SEGMENT_ID, MAX_SEGMENT_ID);
        break;
      case 'h':
        usage(stdout);
        exit(EXIT_SUCCESS);
      default: /* '?': getopt_long has printed what is wrong */
        exit_usage(argv[0]);
    }
  }
  argument = only_argument(argc, argv);
  if (controller != NULL && argument != NULL) {
    usage_error(argv[0], "give the controller once: --controller %s or %s",
                controller, argument);
  }
  if (controller == NULL) controller = argument;
  if (controller != NULL && *controller == '\0') {
    usage_error(argv[0], "the controller name is empty");
  }
  o->controller = controller != NULL ? controller : default_controller;
}

int main(int argc, char **argv) {
  struct options options;
  const char *config = getenv("RSM_CONFIG");
  rsm_node_id_t node = 0;
  parse_options(argc, argv, &options);
  printf("rsm-dpdk quickstart\n");
  printf("configuration: %s\n",
         config && *config ? config
                           : "embedded default (set RSM_CONFIG to use a "
                             "cluster file)");
  if (print_controller(options.controller) != RSM_SUCCESS) return 1;
  if (print_topology(&node) != RSM_SUCCESS) return 1;
  if (round_trip(options.controller, options.segment_id, node) != RSM_SUCCESS) {
    return 1;
  }
  printf("quickstart: ok\n");
  return 0;
}
