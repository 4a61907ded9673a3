/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster: one node of an N-node ring; a token goes round it R times.
 *
 *   cluster --nodes N --rounds R [--timeout-ms T] [--controller NAME]
 *   (short: -n N -r R -t T -c NAME; --help lists them with their defaults)
 *
 * What it shows: N processes, each both exporter and importer, with only
 * agreed ids between them. This node's id comes from
 * rsm_get_interconnect_topology (the cluster file's node_id); node ids must
 * be 1..N. Every node exports one page (rsm_memseg_export_create) and
 * publishes it to any node as segment 0x400200 (rsm_memseg_export_publish;
 * RSMAPI has no name service: the id is agreed in advance), then imports
 * the same segment of its successor, node i -> node i % N + 1
 * (rsm_memseg_import_connect, retried for up to T ms while the successor is
 * not up or has not published yet).
 *
 * Node 1 starts round 1: it writes a token {round, hop, value} into its
 * successor's page with rsm_memseg_import_put and rings it with
 * rsm_intr_signal_post. Every node waits (rsm_intr_signal_wait, T ms) for the
 * signal on its own export, reads the token from its own memory, checks it is
 * exactly what its predecessor had to send, and passes the next one on. The
 * hop of a token is its sender's id and its value a hash of round and hop,
 * so a node knows what to expect without being told. Node 1 starts the next
 * round when the token comes back. A put in the default (implicit) barrier
 * mode returns once the bytes are in the successor's memory, and sessions
 * deliver in order, so the signal never overtakes its token. At the end:
 * rsm_memseg_import_disconnect, rsm_memseg_export_unpublish,
 * rsm_memseg_export_destroy, rsm_release_controller.
 *
 * Running it, from the top of the repository after
 * `bazel build //examples:cluster`:
 *
 * - A ring of one on the embedded default (no RSM_CONFIG): node 1 is its
 *   own successor, and on dpdk0 every token still crosses the protocol.
 *
 *     bazel-bin/examples/cluster --nodes 1 --rounds 100
 *
 * - Two processes on one host over net_memif, with the cluster files in
 *   testdata/cluster/ (they share the socket /tmp/rsm-producer-consumer.sock:
 *   one pair at a time per host, and rm -f it if a node 1 was killed):
 *
 *     RSM_CONFIG=testdata/cluster/memif_node1.ini \
 *         bazel-bin/examples/cluster --nodes 2 --rounds 50 &
 *     RSM_CONFIG=testdata/cluster/memif_node2.ini \
 *         bazel-bin/examples/cluster --nodes 2 --rounds 50
 *
 * - Four nodes in network namespaces on one host (as root; see
 *   tools/netns_cluster.sh -h and examples/cluster_test.sh):
 *
 *     tools/netns_cluster.sh up 4
 *     for i in 1 2 3 4; do
 *       tools/netns_cluster.sh cluster-file $i 4 /tmp/node$i.ini
 *     done
 *     for i in 1 2 3 4; do
 *       tools/netns_cluster.sh exec $i env RSM_CONFIG=/tmp/node$i.ini \
 *           bazel-bin/examples/cluster --nodes 4 --rounds 50 &
 *     done; wait
 *     tools/netns_cluster.sh down
 *
 * Outside Bazel, against the installed library (tools/install.sh):
 *
 *   cc -std=c99 cluster.c example_util.c $(pkg-config --cflags --libs rsm)
 *
 * What each node prints (node 2 of 2 here; numbers vary):
 *
 *   cluster: node 2 of 2: successor node 1, 50 rounds
 *   cluster: node 2: published segment 0x400200 (4096 bytes) to any node
 *   cluster: node 2: connected to node 1's segment 0x400200 (1 ms)
 *   cluster: node 2: first token from node 1 verified
 *   cluster: node 2: 50 rounds in 111 ms
 *   cluster: node 2: 50 tokens received and verified
 *   cluster: node 2: dpdk0 frames in 95, out 93, retransmitted 0, dropped 0;
 *            puts applied 50
 *
 * and it exits 0. A wrong token, a timeout or a failing call prints what
 * failed and exits 1; a bad command line exits 2.
 *
 * Only <rsmapi.h> is needed, and <rsm_dpdk.h> for the frame counters printed
 * at the end (example_util's print_counters: leave both out on Solaris). */
#define _DEFAULT_SOURCE /* getopt_long, with -std=c99 */
#include <getopt.h>
#include <limits.h>
#include <rsm_dpdk.h>
#include <rsmapi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "example_util.h"

#define SEGMENT_ID 0x400200u
#define DEFAULT_CONTROLLER "dpdk0"
#define DEFAULT_TIMEOUT_MS 30000
#define CONNECT_RETRY_MS 100
#define MAX_NODES 64ul /* RSMAPI node ids are 1..64 */
#define MAX_ROUNDS 1000000ul

/* The token, 24 bytes at offset 0 of the receiver's page, little-endian:
 *    0  round, 1..R
 *    8  hop: the sender's node id
 *   16  value: FNV-1a 64 of bytes 0..15 */
#define TOKEN_SIZE 24

static rsm_node_id_t self; /* this node, for messages; 0 until known */

/* ---- Error reporting --------------------------------------------------- */

/* Prints "cluster: node <id>: <call> failed: <NAME> (<code>)", returns code. */
static int report(const char *call, int code) {
  fprintf(stderr, "cluster: node %u: %s failed: %s (%d)\n", self, call,
          rsm_error_name(code), code);
  return code;
}

/* ---- Tokens ------------------------------------------------------------ */

static void make_token(unsigned char token[TOKEN_SIZE], uint64_t round,
                       uint64_t hop) {
  store_le64(token, round);
  store_le64(token + 8, hop);
  store_le64(token + 16, fnv1a64(token, 16));
}

/* 0 if `token` is the one `hop` had to send in `round`; else prints why. */
static int check_token(const unsigned char *token, uint64_t round,
                       uint64_t hop) {
  unsigned char want[TOKEN_SIZE];
  make_token(want, round, hop);
  if (memcmp(token, want, TOKEN_SIZE) == 0) return 0;
  fprintf(stderr,
          "cluster: node %u: wrong token: round %llu, hop %llu, value "
          "0x%016llx; want round %llu, hop %llu, value 0x%016llx\n",
          self, (unsigned long long)load_le64(token),
          (unsigned long long)load_le64(token + 8),
          (unsigned long long)load_le64(token + 16), (unsigned long long)round,
          (unsigned long long)hop, (unsigned long long)load_le64(want + 16));
  return -1;
}

/* ---- Command line ------------------------------------------------------ */

struct options {
  unsigned long nodes;
  unsigned long rounds;
  int timeout_ms;
  char *controller;
};

static void usage(FILE *out) {
  fprintf(out,
          "usage: cluster --nodes N --rounds R [--timeout-ms T] "
          "[--controller NAME]\n"
          "One node of an N-node ring: a token goes round it R times, put\n"
          "into each node's segment and signalled by its predecessor. Run\n"
          "one process per node, each with its own cluster file "
          "(RSM_CONFIG);\n"
          "this node's id, from that file, must be 1..N.\n"
          "\n"
          "  -n, --nodes N          nodes in the ring, 1 to %lu (required)\n"
          "  -r, --rounds R         rounds of the token, 1 to %lu (required)\n"
          "  -t, --timeout-ms T     the longest wait for a connect or a "
          "token,\n"
          "                         1 to %d ms (default %d)\n"
          "  -c, --controller NAME  the controller to use (default %s)\n"
          "  -h, --help             print this and exit\n",
          MAX_NODES, MAX_ROUNDS, INT_MAX, DEFAULT_TIMEOUT_MS,
          DEFAULT_CONTROLLER);
}

/* Fills `o` from the command line. Exits 0 after --help, EXIT_USAGE (2) on
 * a bad option or value or a missing one. Messages start with argv[0], as
 * getopt_long's do. */
static void parse_options(int argc, char **argv, struct options *o) {
  static char default_controller[] = DEFAULT_CONTROLLER;
  static const struct option long_options[] = {
      {"nodes", required_argument, NULL, 'n'},
      {"rounds", required_argument, NULL, 'r'},
      {"timeout-ms", required_argument, NULL, 't'},
      {"controller", required_argument, NULL, 'c'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  char *argument;
  int c;
  o->nodes = 0;
  o->rounds = 0;
  o->timeout_ms = DEFAULT_TIMEOUT_MS;
  o->controller = default_controller;
  while ((c = getopt_long(argc, argv, "n:r:t:c:h", long_options, NULL)) != -1) {
    switch (c) {
      case 'n':
        o->nodes = option_number(argv[0], "--nodes", optarg, 1, MAX_NODES);
        break;
      case 'r':
        o->rounds = option_number(argv[0], "--rounds", optarg, 1, MAX_ROUNDS);
        break;
      case 't':
        o->timeout_ms =
            (int)option_number(argv[0], "--timeout-ms", optarg, 1, INT_MAX);
        break;
      case 'c':
        o->controller = optarg;
        break;
      case 'h':
        usage(stdout);
        exit(EXIT_SUCCESS);
      default: /* '?': getopt_long has printed what is wrong */
        exit_usage(argv[0]);
    }
  }
  argument = only_argument(argc, argv);
  if (argument != NULL) {
    usage_error(argv[0], "unexpected argument '%s'", argument);
  }
  if (o->nodes == 0 || o->rounds == 0) {
    usage_error(argv[0], "--nodes and --rounds are required");
  }
}

/* ---- The ring ---------------------------------------------------------- */

/* This node's id, from the cluster file. */
static int local_node(rsm_node_id_t *node) {
  rsm_topology_t *topology;
  const int rc = rsm_get_interconnect_topology(&topology);
  if (rc != RSM_SUCCESS) return report("rsm_get_interconnect_topology", rc);
  *node = topology->topology_hdr.local_nodeid;
  rsm_free_interconnect_topology(topology);
  return RSM_SUCCESS;
}

/* Connects to the successor's segment. It may not be up yet (unreachable)
 * or not have published yet: retry on those two results only. */
static int connect_successor(rsmapi_controller_handle_t controller,
                             rsm_node_id_t successor, int timeout_ms,
                             rsm_memseg_import_handle_t *imported) {
  const long long start = now_ms();
  int said = 0;
  for (;;) {
    const int rc = rsm_memseg_import_connect(controller, successor, SEGMENT_ID,
                                             RSM_PERM_RDWR, imported);
    if (rc == RSM_SUCCESS) {
      printf(
          "cluster: node %u: connected to node %u's segment 0x%x (%lld ms)\n",
          self, successor, SEGMENT_ID, now_ms() - start);
      return rc;
    }
    if ((rc != RSMERR_SEG_NOT_PUBLISHED &&
         rc != RSMERR_REMOTE_NODE_UNREACHABLE) ||
        now_ms() - start >= timeout_ms) {
      if (said) {
        fprintf(stderr, "cluster: node %u: gave up on node %u after %d ms\n",
                self, successor, timeout_ms);
      }
      return report("rsm_memseg_import_connect", rc);
    }
    if (!said) {
      printf(
          "cluster: node %u: node %u's segment 0x%x: %s; retrying every %d ms "
          "for up to %d ms\n",
          self, successor, SEGMENT_ID, rsm_error_name(rc), CONNECT_RETRY_MS,
          timeout_ms);
      said = 1;
    }
    sleep_ms(CONNECT_RETRY_MS);
  }
}

/* Puts the token of `round` (hop: this node) into the successor's page and
 * rings it. */
static int pass_token(rsm_memseg_import_handle_t successor, uint64_t round) {
  unsigned char token[TOKEN_SIZE];
  int rc;
  make_token(token, round, self);
  rc = rsm_memseg_import_put(successor, 0, token, TOKEN_SIZE);
  if (rc != RSM_SUCCESS) {
    fprintf(stderr, "cluster: node %u: cannot pass the token of round %llu\n",
            self, (unsigned long long)round);
    return report("rsm_memseg_import_put", rc);
  }
  rc = rsm_intr_signal_post(successor, 0);
  if (rc != RSM_SUCCESS) {
    fprintf(stderr, "cluster: node %u: cannot signal the token of round %llu\n",
            self, (unsigned long long)round);
    return report("rsm_intr_signal_post", rc);
  }
  return RSM_SUCCESS;
}

/* The token loop: R tokens in, R tokens out. */
static int run_ring(const struct options *o, rsm_memseg_export_handle_t mine,
                    const unsigned char *memory,
                    rsm_memseg_import_handle_t successor) {
  const rsm_node_id_t predecessor =
      (rsm_node_id_t)((self + o->nodes - 2) % o->nodes + 1);
  const long long start = now_ms();
  unsigned long round;
  int rc;
  if (self == 1) {
    printf("cluster: node 1: starting round 1 of %lu\n", o->rounds);
    rc = pass_token(successor, 1);
    if (rc != RSM_SUCCESS) return rc;
  }
  for (round = 1; round <= o->rounds; ++round) {
    rc = rsm_intr_signal_wait(mine, o->timeout_ms);
    if (rc != RSM_SUCCESS) {
      fprintf(stderr,
              "cluster: node %u: no token from node %u for round %lu within "
              "%d ms\n",
              self, predecessor, round, o->timeout_ms);
      return report("rsm_intr_signal_wait", rc);
    }
    /* The signal came after the put had landed: the token is in place. */
    if (check_token(memory, round, predecessor) != 0) return -1;
    if (round == 1) {
      printf("cluster: node %u: first token from node %u verified%s\n", self,
             predecessor, self == 1 ? ": the ring is closed" : "");
    }
    if (self != 1) {
      rc = pass_token(successor, round);
    } else if (round < o->rounds) {
      rc = pass_token(successor, round + 1); /* node 1 starts the next round */
    }
    if (rc != RSM_SUCCESS) return rc;
  }
  printf("cluster: node %u: %lu rounds in %lld ms\n", self, o->rounds,
         now_ms() - start);
  return RSM_SUCCESS;
}

static int run(const struct options *o) {
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  rsmapi_controller_handle_t controller;
  rsm_memseg_export_handle_t mine;
  rsm_memseg_import_handle_t successor_segment;
  rsm_memseg_id_t segment_id = SEGMENT_ID;
  rsm_node_id_t successor;
  void *memory = NULL;
  int result = 1; /* the exit code */
  int rc;

  if (local_node(&self) != RSM_SUCCESS) return 1;
  if (self < 1 || self > o->nodes) {
    fprintf(stderr, "cluster: this is node %u, not one of 1..%lu\n", self,
            o->nodes);
    return 1;
  }
  successor = (rsm_node_id_t)(self % o->nodes + 1);
  printf("cluster: node %u of %lu: successor node %u, %lu rounds\n", self,
         o->nodes, successor, o->rounds);

  rc = rsm_get_controller(o->controller, &controller);
  if (rc != RSM_SUCCESS) {
    report("rsm_get_controller", rc);
    return 1;
  }
  /* Exported memory must be page aligned, and a whole number of pages. */
  if (posix_memalign(&memory, page, page) != 0) {
    fprintf(stderr, "cluster: node %u: cannot allocate a page\n", self);
    memory = NULL;
    goto release;
  }
  memset(memory, 0, page);
  rc = rsm_memseg_export_create(controller, &mine, memory, page, 0);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_export_create", rc);
    goto release;
  }
  /* No access list: any node may connect (the predecessor is the one). */
  rc = rsm_memseg_export_publish(mine, &segment_id, NULL, 0);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_export_publish", rc);
    goto destroy;
  }
  printf("cluster: node %u: published segment 0x%x (%zu bytes) to any node\n",
         self, segment_id, page);

  if (connect_successor(controller, successor, o->timeout_ms,
                        &successor_segment) != RSM_SUCCESS) {
    goto unpublish;
  }
  if (run_ring(o, mine, memory, successor_segment) == RSM_SUCCESS) {
    printf("cluster: node %u: %lu tokens received and verified\n", self,
           o->rounds);
    result = 0;
  }
  char who[32];
  snprintf(who, sizeof who, "cluster: node %u", self);
  print_counters(who, controller, o->controller);

  rc = rsm_memseg_import_disconnect(successor_segment);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_import_disconnect", rc);
    result = 1;
  }
unpublish:
  /* The predecessor has sent its last token (this node received it), so
   * taking the segment away cannot cut it short. */
  rc = rsm_memseg_export_unpublish(mine);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_export_unpublish", rc);
    result = 1;
  }
destroy:
  rc = rsm_memseg_export_destroy(mine);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_export_destroy", rc);
    result = 1;
  }
release:
  rc = rsm_release_controller(controller);
  if (rc != RSM_SUCCESS) {
    report("rsm_release_controller", rc);
    result = 1;
  }
  free(memory);
  return result;
}

int main(int argc, char **argv) {
  struct options options;
  /* One line at a time, so that a log file interleaves stdout and stderr in
   * the order things happened. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  parse_options(argc, argv, &options);
  return run(&options);
}
