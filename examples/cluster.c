/* SPDX-License-Identifier: BSD-3-Clause */
/* cluster: one node of an N-node ring; a token goes round it R times.
 *
 *   cluster --nodes N --rounds R [--timeout-ms T]
 *
 * Run one process per node, each with its own cluster file (RSM_CONFIG):
 * this node's id is the cluster file's node_id, as
 * rsm_get_interconnect_topology reports it. Node ids must be 1..N.
 *
 * Every node exports one page and publishes it, to any node, as segment
 * 0x400200 (RSMAPI has no name service: the id is agreed in advance), then
 * imports the same segment of its successor: node i -> node i % N + 1. The
 * successor may not be up yet, so the connect is retried for up to T ms.
 *
 * Node 1 starts round 1: it writes a token {round, hop, value} into its
 * successor's page with rsm_memseg_import_put and rings it with
 * rsm_intr_signal_post. Every node waits (rsm_intr_signal_wait, T ms) for the
 * signal on its own export, reads the token from its own memory, checks it is
 * exactly what its predecessor had to send, and passes the next one on. The
 * hop of a token is its sender's id and its value a hash of round and hop,
 * so a node knows what to expect without being told. Node 1 starts the next
 * round when the token comes back; after R rounds every node has received R
 * tokens, prints
 *
 *   cluster: node <id>: <R> tokens received and verified
 *
 * and exits 0. A wrong token, a timeout or a failing call prints what failed
 * and exits 1. A put in the default (implicit) barrier mode returns once the
 * bytes are in the successor's memory, and sessions deliver in order, so the
 * signal never overtakes its token.
 *
 * Four nodes in network namespaces on one host (as root; see
 * tools/netns_cluster.sh -h and examples/cluster_test.sh):
 *
 *   bazel build //examples:cluster
 *   tools/netns_cluster.sh up 4
 *   for i in 1 2 3 4; do
 *     tools/netns_cluster.sh cluster-file $i 4 /tmp/node$i.ini
 *   done
 *   for i in 1 2 3 4; do
 *     tools/netns_cluster.sh exec $i env RSM_CONFIG=/tmp/node$i.ini \
 *         bazel-bin/examples/cluster --nodes 4 --rounds 50 &
 *   done; wait
 *   tools/netns_cluster.sh down
 *
 * Only <rsmapi.h> is needed, and <rsm_dpdk.h> for the frame counters printed
 * at the end (example_util's print_counters: leave both out on Solaris). */
#define _POSIX_C_SOURCE 200112L
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
#define CONTROLLER "dpdk0"
#define DEFAULT_TIMEOUT_MS 30000
#define CONNECT_RETRY_MS 100
#define MAX_NODES 64 /* RSMAPI node ids are 1..64 */
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

/* ---- Small helpers ----------------------------------------------------- */

struct options {
  unsigned long nodes;
  unsigned long rounds;
  int timeout_ms;
};

static int usage(void) {
  fprintf(stderr,
          "usage: cluster --nodes N --rounds R [--timeout-ms T]\n"
          "N 1 to %d (this node's id, from RSM_CONFIG, must be 1..N); R 1 to "
          "%lu;\nT, the longest wait for a connect or a token, default %d.\n",
          MAX_NODES, MAX_ROUNDS, DEFAULT_TIMEOUT_MS);
  return 2;
}

static int parse_options(int argc, char **argv, struct options *o) {
  unsigned long value;
  int i;
  o->nodes = 0;
  o->rounds = 0;
  o->timeout_ms = DEFAULT_TIMEOUT_MS;
  for (i = 1; i < argc; ++i) {
    const char *option = argv[i];
    const char *argument = i + 1 < argc ? argv[i + 1] : NULL;
    if (strcmp(option, "--nodes") == 0 &&
        parse_number(argument, 1, MAX_NODES, &value) == 0) {
      o->nodes = value;
    } else if (strcmp(option, "--rounds") == 0 &&
               parse_number(argument, 1, MAX_ROUNDS, &value) == 0) {
      o->rounds = value;
    } else if (strcmp(option, "--timeout-ms") == 0 &&
               parse_number(argument, 1, INT_MAX, &value) == 0) {
      o->timeout_ms = (int)value;
    } else {
      fprintf(stderr, "cluster: bad option or value: %s%s%s\n", option,
              argument != NULL ? " " : "", argument != NULL ? argument : "");
      return -1;
    }
    ++i; /* the option's value */
  }
  if (o->nodes == 0 || o->rounds == 0) {
    fprintf(stderr, "cluster: --nodes and --rounds are required\n");
    return -1;
  }
  return 0;
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
  static char controller_name[] = CONTROLLER;
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

  rc = rsm_get_controller(controller_name, &controller);
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
  print_counters(who, controller, CONTROLLER);

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
  if (parse_options(argc, argv, &options) != 0) return usage();
  return run(&options);
}
