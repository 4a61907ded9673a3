/* SPDX-License-Identifier: BSD-3-Clause */
/* producer_consumer: two processes share one segment and one signal.
 *
 * What it shows. The consumer exports a page-aligned buffer big enough for
 * N fixed-size records and publishes it under a fixed segment id that both
 * sides know in advance (RSMAPI has no name service: ids are agreed out of
 * band), optionally with an access list. The producer imports it, writes
 * every record inside an explicit barrier (open, puts, close: a successful
 * close means every put since the open reached the consumer's memory), then
 * rings the consumer. The consumer, woken by that signal, checks every
 * record in its own memory and exits 0 only if all of them are intact.
 *
 *   consumer: rsm_get_controller, rsm_memseg_export_create,
 *             rsm_memseg_export_publish (with an rsmapi_access_entry_t list
 *             under --allow), then rsm_intr_signal_wait, or with --poll
 *             rsm_memseg_get_pollfd, poll(2), rsm_intr_signal_wait_pollfd
 *             and rsm_memseg_release_pollfd, as a program with other
 *             descriptors to watch would; then rsm_memseg_export_unpublish,
 *             rsm_memseg_export_destroy, rsm_release_controller.
 *   producer: rsm_memseg_import_connect (retried while the consumer is not
 *             up or has not published), rsm_memseg_import_init_barrier,
 *             rsm_memseg_import_set_mode(RSM_BARRIER_MODE_EXPLICIT),
 *             rsm_memseg_import_open_barrier, rsm_memseg_import_put per
 *             record, rsm_memseg_import_close_barrier (the span once more on
 *             RSMERR_BARRIER_FAILURE), rsm_intr_signal_post,
 *             rsm_memseg_import_destroy_barrier, rsm_memseg_import_disconnect.
 *
 *   producer_consumer consumer [--poll] [--allow NODE] [--timeout SECONDS]
 *                              [--segment-id ID] [--records N]
 *                              [--controller NAME]
 *   producer_consumer producer --node CONSUMER_NODE [--segment-id ID]
 *                              [--records N] [--controller NAME]
 *
 * Every option has a short form (-p, -a, -t, -s, -r, -c, -n); --help lists
 * them with their defaults. Both sides must agree on --segment-id (default
 * 0x400100; applications may publish ids 0x400000 to 0x7fffffff) and
 * --records (default 1000).
 *
 * Running it. Two processes on one host, over net_memif, with the two
 * cluster files in testdata/cluster/: node 1 is the consumer (and the memif
 * server), node 2 the producer. From the top of the repository, in two
 * terminals, in either order (the producer retries for 10 s):
 *
 *   bazel build //examples:producer_consumer
 *   RSM_CONFIG=testdata/cluster/memif_node1.ini \
 *       bazel-bin/examples/producer_consumer consumer --allow 2
 *   RSM_CONFIG=testdata/cluster/memif_node2.ini \
 *       bazel-bin/examples/producer_consumer producer --node 1
 *
 * Those two files share the socket /tmp/rsm-producer-consumer.sock, so one
 * pair at a time per host. A consumer that exits closes its memif port,
 * which removes the socket file; one that was killed leaves it behind: rm -f
 * it before the next run, or the consumer's rsm_get_controller fails with
 * RSMERR_CTLR_NOT_PRESENT. On a cluster, give each host its cluster file.
 * On the embedded default (no RSM_CONFIG) there is only node 1 and no peer:
 * the producer cannot reach a consumer there.
 *
 * Outside Bazel, against the installed library (tools/install.sh):
 *
 *   cc -std=c99 producer_consumer.c example_util.c \
 *       $(pkg-config --cflags --libs rsm)
 *
 * What they print (numbers vary):
 *
 *   consumer: published 1000 records (65536 bytes) as segment 0x400100 to
 *             node 2
 *   consumer: waiting up to 30 s for the producer's signal
 *             (rsm_intr_signal_wait)
 *   consumer: verified 1000 records (64000 bytes)
 *   consumer: dpdk0 frames in ..., out ..., retransmitted 0, dropped 0;
 *             puts applied ...
 *
 *   producer: connected to segment 0x400100 on node 1
 *   producer: wrote 1000 records (64000 bytes) in 12 ms
 *   producer: signal posted
 *
 * and both exit 0. A bad record, a timeout or a failing call prints what
 * failed (the call, its error name and code) and exits 1; a bad command
 * line exits 2.
 *
 * Only <rsmapi.h> is needed, and <rsm_dpdk.h> for the frame counters the
 * consumer prints (example_util's print_counters: leave both out on
 * Solaris). */
#define _DEFAULT_SOURCE /* getopt_long, with -std=c99 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <rsm_dpdk.h>
#include <rsmapi.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "example_util.h"

#define DEFAULT_CONTROLLER "dpdk0"
/* The segment ids an application may publish under. */
#define MIN_SEGMENT_ID 0x400000ul
#define MAX_SEGMENT_ID 0x7ffffffful
#define DEFAULT_SEGMENT_ID 0x400100ul
#define DEFAULT_RECORDS 1000ul
#define MAX_RECORDS (1ul << 24) /* 1 GiB of records */
#define MAX_NODE 64ul           /* RSMAPI node ids are 1..64 */
#define DEFAULT_TIMEOUT_S 30ul
#define MAX_TIMEOUT_S ((unsigned long)INT_MAX / 1000) /* in ms, an int */
#define CONNECT_RETRY_MS 100
#define CONNECT_PATIENCE_MS 10000

/* A record, 64 bytes, little-endian whatever the host:
 *    0  sequence number (8 bytes): the record's index
 *    8  payload (48 bytes), derived from the sequence number
 *   56  checksum (8 bytes): FNV-1a 64 of bytes 0..55 */
#define RECORD_SIZE 64
#define PAYLOAD_OFFSET 8
#define PAYLOAD_SIZE 48
#define CHECKSUM_OFFSET (PAYLOAD_OFFSET + PAYLOAD_SIZE)

/* ---- Error reporting --------------------------------------------------- */

static const char *role = "producer_consumer";

/* Prints "<role>: <call> failed: <NAME> (<code>)" and returns the code. */
static int report(const char *call, int code) {
  fprintf(stderr, "%s: %s failed: %s (%d)\n", role, call, rsm_error_name(code),
          code);
  return code;
}

/* ---- Records ----------------------------------------------------------- */

static void make_record(unsigned char record[RECORD_SIZE], uint64_t sequence) {
  int k;
  store_le64(record, sequence);
  for (k = 0; k < PAYLOAD_SIZE; ++k) {
    record[PAYLOAD_OFFSET + k] = (unsigned char)(sequence * 131 + k * 7 + 1);
  }
  store_le64(record + CHECKSUM_OFFSET, fnv1a64(record, CHECKSUM_OFFSET));
}

/* 0 if `record` is record number `sequence`, intact; else prints why. */
static int check_record(const unsigned char *record, uint64_t sequence) {
  const uint64_t found = load_le64(record);
  const uint64_t checksum = load_le64(record + CHECKSUM_OFFSET);
  if (checksum != fnv1a64(record, CHECKSUM_OFFSET)) {
    fprintf(stderr, "%s: record %llu: bad checksum (sequence field %llu)\n",
            role, (unsigned long long)sequence, (unsigned long long)found);
    return -1;
  }
  if (found != sequence) {
    fprintf(stderr, "%s: record %llu: holds sequence number %llu\n", role,
            (unsigned long long)sequence, (unsigned long long)found);
    return -1;
  }
  return 0;
}

/* ---- Command line ------------------------------------------------------ */

struct options {
  int consumer; /* 1: consumer, 0: producer */
  int poll;
  char *controller;
  rsm_memseg_id_t segment_id;
  unsigned long records;
  rsm_node_id_t node;  /* producer: the consumer's node */
  rsm_node_id_t allow; /* consumer: the one node allowed, 0: any */
  int timeout_s;
};

static void usage(FILE *out) {
  fprintf(
      out,
      "usage: producer_consumer consumer [--poll] [--allow NODE] "
      "[--timeout SECONDS]\n"
      "                                  [--segment-id ID] [--records N] "
      "[--controller NAME]\n"
      "       producer_consumer producer --node CONSUMER_NODE "
      "[--segment-id ID]\n"
      "                                  [--records N] "
      "[--controller NAME]\n"
      "The consumer exports and publishes a segment for N records and\n"
      "waits for a signal; the producer puts the records into it inside\n"
      "a barrier, then signals. Run each with its own cluster file\n"
      "(RSM_CONFIG), e.g. testdata/cluster/memif_node1.ini and\n"
      "memif_node2.ini.\n"
      "\n"
      "Both:\n"
      "  -c, --controller NAME  the controller to use (default %s)\n"
      "  -s, --segment-id ID    the consumer's segment id, 0x%lx to 0x%lx\n"
      "                         (default 0x%lx); both must agree\n"
      "  -r, --records N        64-byte records, 1 to %lu (default %lu);\n"
      "                         both must agree\n"
      "  -h, --help             print this and exit\n"
      "Consumer:\n"
      "  -a, --allow NODE       publish to node NODE only, 1 to %lu\n"
      "                         (default: to any node)\n"
      "  -t, --timeout SECONDS  how long to wait for the signal, 1 to %lu\n"
      "                         (default %lu)\n"
      "  -p, --poll             wait in poll(2) on the segment's\n"
      "                         descriptor (default: rsm_intr_signal_wait)\n"
      "Producer:\n"
      "  -n, --node NODE        the consumer's node, 1 to %lu (required)\n",
      DEFAULT_CONTROLLER, MIN_SEGMENT_ID, MAX_SEGMENT_ID, DEFAULT_SEGMENT_ID,
      MAX_RECORDS, DEFAULT_RECORDS, MAX_NODE, MAX_TIMEOUT_S, DEFAULT_TIMEOUT_S,
      MAX_NODE);
}

/* Fills `o` from the command line: the role and the options, in any order.
 * Exits 0 after --help, EXIT_USAGE (2) on a bad option or value, or on an
 * option of the other role. Messages start with argv[0], as getopt_long's do.
 */
static void parse_options(int argc, char **argv, struct options *o) {
  static char default_controller[] = DEFAULT_CONTROLLER;
  static const struct option long_options[] = {
      {"controller", required_argument, NULL, 'c'},
      {"segment-id", required_argument, NULL, 's'},
      {"records", required_argument, NULL, 'r'},
      {"allow", required_argument, NULL, 'a'},
      {"timeout", required_argument, NULL, 't'},
      {"poll", no_argument, NULL, 'p'},
      {"node", required_argument, NULL, 'n'},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *consumer_option = NULL; /* one given, to reject for a producer */
  const char *role_name;
  int c;
  o->poll = 0;
  o->controller = default_controller;
  o->segment_id = (rsm_memseg_id_t)DEFAULT_SEGMENT_ID;
  o->records = DEFAULT_RECORDS;
  o->node = 0;
  o->allow = 0;
  o->timeout_s = (int)DEFAULT_TIMEOUT_S;
  while ((c = getopt_long(argc, argv, "c:s:r:a:t:pn:h", long_options, NULL)) !=
         -1) {
    switch (c) {
      case 'c':
        o->controller = optarg;
        break;
      case 's':
        o->segment_id = (rsm_memseg_id_t)option_number(
            argv[0], "--segment-id", optarg, MIN_SEGMENT_ID, MAX_SEGMENT_ID);
        break;
      case 'r':
        o->records =
            option_number(argv[0], "--records", optarg, 1, MAX_RECORDS);
        break;
      case 'a':
        o->allow = (rsm_node_id_t)option_number(argv[0], "--allow", optarg, 1,
                                                MAX_NODE);
        consumer_option = "--allow";
        break;
      case 't':
        o->timeout_s =
            (int)option_number(argv[0], "--timeout", optarg, 1, MAX_TIMEOUT_S);
        consumer_option = "--timeout";
        break;
      case 'p':
        o->poll = 1;
        consumer_option = "--poll";
        break;
      case 'n':
        o->node = (rsm_node_id_t)option_number(argv[0], "--node", optarg, 1,
                                               MAX_NODE);
        break;
      case 'h':
        usage(stdout);
        exit(EXIT_SUCCESS);
      default: /* '?': getopt_long has printed what is wrong */
        exit_usage(argv[0]);
    }
  }
  role_name = only_argument(argc, argv);
  if (role_name == NULL) usage_error(argv[0], "say consumer or producer");
  if (strcmp(role_name, "consumer") == 0) {
    o->consumer = 1;
  } else if (strcmp(role_name, "producer") == 0) {
    o->consumer = 0;
  } else {
    usage_error(argv[0], "'%s': say consumer or producer", role_name);
  }
  if (o->consumer && o->node != 0) {
    usage_error(argv[0], "--node is for the producer");
  }
  if (!o->consumer && consumer_option != NULL) {
    usage_error(argv[0], "%s is for the consumer", consumer_option);
  }
  if (!o->consumer && o->node == 0) {
    usage_error(argv[0], "the producer needs --node CONSUMER_NODE");
  }
  role = o->consumer ? "consumer" : "producer";
}

/* ---- Consumer ---------------------------------------------------------- */

/* Waits up to timeout_ms for one signal with rsm_intr_signal_wait. */
static int wait_for_signal(rsm_memseg_export_handle_t exported,
                           int timeout_ms) {
  int rc = rsm_intr_signal_wait(exported, timeout_ms);
  if (rc != RSM_SUCCESS) return report("rsm_intr_signal_wait", rc);
  return RSM_SUCCESS;
}

/* The same with poll(2): the segment's descriptor could sit in one poll set
 * with a program's sockets and pipes. poll(2) only says an event is pending;
 * rsm_intr_signal_wait_pollfd takes it. */
static int poll_for_signal(rsm_memseg_export_handle_t exported,
                           int timeout_ms) {
  const long long deadline = now_ms() + timeout_ms;
  struct pollfd fd;
  int rc = rsm_memseg_get_pollfd(exported, &fd);
  if (rc != RSM_SUCCESS) return report("rsm_memseg_get_pollfd", rc);
  for (;;) {
    const long long left = deadline - now_ms();
    int ready, taken = 0;
    if (left <= 0) {
      fprintf(stderr, "consumer: poll: no event within %d ms\n", timeout_ms);
      rc = RSMERR_TIMEOUT;
      break;
    }
    fd.revents = 0;
    ready = poll(&fd, 1, (int)left);
    if (ready < 0) {
      if (errno == EINTR) continue;
      perror("consumer: poll");
      rc = RSMERR_INTERNAL_ERROR;
      break;
    }
    if (ready == 0) continue; /* the deadline check reports it */
    if (fd.revents & (POLLERR | POLLHUP | POLLNVAL)) {
      fprintf(stderr, "consumer: poll: revents 0x%x on the segment's fd\n",
              (unsigned)fd.revents);
      rc = RSMERR_INTERNAL_ERROR;
      break;
    }
    rc = rsm_intr_signal_wait_pollfd(&fd, 1, 0, &taken);
    if (rc == RSM_SUCCESS && taken == 1) break;
    /* Another waiter took the event first: poll again. */
    if (rc == RSMERR_TIMEOUT || (rc == RSM_SUCCESS && taken == 0)) continue;
    report("rsm_intr_signal_wait_pollfd", rc);
    break;
  }
  {
    const int released = rsm_memseg_release_pollfd(exported);
    if (released != RSM_SUCCESS) {
      report("rsm_memseg_release_pollfd", released);
      if (rc == RSM_SUCCESS) rc = released;
    }
  }
  return rc;
}

static int run_consumer(const struct options *o) {
  const size_t page = (size_t)sysconf(_SC_PAGESIZE);
  const size_t used = (size_t)o->records * RECORD_SIZE;
  const size_t size = (used + page - 1) / page * page;
  rsmapi_controller_handle_t controller;
  rsm_memseg_export_handle_t exported;
  rsm_memseg_id_t segment_id = o->segment_id;
  rsmapi_access_entry_t access[1];
  unsigned long i, bad = 0;
  void *memory = NULL;
  int published = 0;
  int result = 1; /* the exit code */
  int rc;

  rc = rsm_get_controller(o->controller, &controller);
  if (rc != RSM_SUCCESS) {
    report("rsm_get_controller", rc);
    return 1;
  }
  /* Exported memory must be page aligned, and a whole number of pages. */
  if (posix_memalign(&memory, page, size) != 0) {
    fprintf(stderr, "consumer: cannot allocate %zu bytes\n", size);
    memory = NULL;
    goto release;
  }
  memset(memory, 0, size);
  rc = rsm_memseg_export_create(controller, &exported, memory, size, 0);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_export_create", rc);
    goto release;
  }
  /* With a list, only the nodes on it may connect, each with its entry's
   * owner/group/other mode: RSM_PERM_RDWR lets a process of this user read
   * and write. With no list, any node may, with this process's umask. */
  access[0].ae_node = o->allow;
  access[0].ae_permission = RSM_PERM_RDWR;
  rc = rsm_memseg_export_publish(exported, &segment_id,
                                 o->allow ? access : NULL, o->allow ? 1 : 0);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_export_publish", rc);
    goto destroy;
  }
  published = 1;
  if (o->allow) {
    printf(
        "consumer: published %lu records (%zu bytes) as segment 0x%x to "
        "node %u\n",
        o->records, size, segment_id, o->allow);
  } else {
    printf(
        "consumer: published %lu records (%zu bytes) as segment 0x%x to "
        "any node\n",
        o->records, size, segment_id);
  }
  printf("consumer: waiting up to %d s for the producer's signal (%s)\n",
         o->timeout_s, o->poll ? "poll" : "rsm_intr_signal_wait");

  rc = o->poll ? poll_for_signal(exported, o->timeout_s * 1000)
               : wait_for_signal(exported, o->timeout_s * 1000);
  if (rc == RSMERR_TIMEOUT) {
    fprintf(stderr,
            "consumer: no signal within %d s. Is the producer running "
            "(producer --node THIS_NODE --segment-id 0x%x --records %lu)?\n",
            o->timeout_s, segment_id, o->records);
  }
  if (rc != RSM_SUCCESS) goto unpublish;

  /* The producer closed its barrier before it posted: every record is in
   * this process's memory now. */
  for (i = 0; i < o->records; ++i) {
    if (check_record((const unsigned char *)memory + i * RECORD_SIZE, i) != 0) {
      if (++bad >= 10) {
        fprintf(stderr, "consumer: (stopping after 10 bad records)\n");
        break;
      }
    }
  }
  if (bad == 0) {
    printf("consumer: verified %lu records (%zu bytes)\n", o->records, used);
    result = 0;
  } else {
    printf("consumer: FAILED: %lu bad record(s) of %lu\n", bad, o->records);
  }
  print_counters("consumer", controller, o->controller);

unpublish:
  /* Unpublishing disconnects any importer still connected. */
  if (published) {
    rc = rsm_memseg_export_unpublish(exported);
    if (rc != RSM_SUCCESS) {
      report("rsm_memseg_export_unpublish", rc);
      result = 1;
    }
  }
destroy:
  rc = rsm_memseg_export_destroy(exported);
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

/* ---- Producer ---------------------------------------------------------- */

/* Connects to the consumer's segment. The consumer may not be up yet, or not
 * have published yet: retry for a while on those two results only. */
static int connect_with_retry(rsmapi_controller_handle_t controller,
                              const struct options *o,
                              rsm_memseg_import_handle_t *imported) {
  const long long give_up = now_ms() + CONNECT_PATIENCE_MS;
  int said = 0;
  for (;;) {
    /* Read and write: Solaris's put maps the segment for both. */
    const int rc = rsm_memseg_import_connect(controller, o->node, o->segment_id,
                                             RSM_PERM_RDWR, imported);
    if (rc == RSM_SUCCESS) return rc;
    if ((rc != RSMERR_SEG_NOT_PUBLISHED &&
         rc != RSMERR_REMOTE_NODE_UNREACHABLE) ||
        now_ms() >= give_up) {
      report("rsm_memseg_import_connect", rc);
      if (said) {
        fprintf(stderr, "producer: gave up after %d s\n",
                CONNECT_PATIENCE_MS / 1000);
      }
      if (rc == RSMERR_SEG_NOT_PUBLISHED_TO_NODE) {
        fprintf(stderr,
                "producer: node %u's access list for segment 0x%x does not "
                "name this node\n",
                o->node, o->segment_id);
      }
      return rc;
    }
    if (!said) {
      printf(
          "producer: segment 0x%x on node %u: %s; retrying every %d ms "
          "for %d s\n",
          o->segment_id, o->node, rsm_error_name(rc), CONNECT_RETRY_MS,
          CONNECT_PATIENCE_MS / 1000);
      said = 1;
    }
    sleep_ms(CONNECT_RETRY_MS);
  }
}

/* One barrier span: open, one put per record, close. Failures are reported;
 * the caller decides on a retry. */
static int write_records(rsm_memseg_import_handle_t imported,
                         rsmapi_barrier_t *barrier, unsigned long records) {
  unsigned char record[RECORD_SIZE];
  unsigned long i;
  int rc = rsm_memseg_import_open_barrier(barrier);
  if (rc != RSM_SUCCESS) return report("rsm_memseg_import_open_barrier", rc);
  for (i = 0; i < records; ++i) {
    make_record(record, i);
    rc = rsm_memseg_import_put(imported, (off_t)(i * RECORD_SIZE), record,
                               RECORD_SIZE);
    if (rc != RSM_SUCCESS) {
      fprintf(stderr, "producer: record %lu: ", i);
      report("rsm_memseg_import_put", rc);
      /* End the span anyway. */
      const int closed = rsm_memseg_import_close_barrier(barrier);
      if (closed != RSM_SUCCESS) {
        report("rsm_memseg_import_close_barrier", closed);
      }
      return rc;
    }
  }
  rc = rsm_memseg_import_close_barrier(barrier);
  if (rc != RSM_SUCCESS) report("rsm_memseg_import_close_barrier", rc);
  return rc;
}

static int run_producer(const struct options *o) {
  rsmapi_controller_handle_t controller;
  rsm_memseg_import_handle_t imported;
  rsmapi_barrier_t barrier;
  int result = 1;
  long long start, took;
  int rc;

  rc = rsm_get_controller(o->controller, &controller);
  if (rc != RSM_SUCCESS) {
    report("rsm_get_controller", rc);
    return 1;
  }
  if (connect_with_retry(controller, o, &imported) != RSM_SUCCESS) {
    goto release;
  }
  printf("producer: connected to segment 0x%x on node %u\n", o->segment_id,
         o->node);

  /* Explicit mode: puts are streamed without waiting, and the barrier's
   * close reports whether they all landed. */
  rc = rsm_memseg_import_init_barrier(imported, RSM_BARRIER_NODE, &barrier);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_import_init_barrier", rc);
    goto disconnect;
  }
  rc = rsm_memseg_import_set_mode(imported, RSM_BARRIER_MODE_EXPLICIT);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_import_set_mode", rc);
    goto destroy_barrier;
  }
  start = now_ms();
  rc = write_records(imported, &barrier, o->records);
  if (rc == RSMERR_BARRIER_FAILURE) {
    /* Some put in the span failed, silently until the close: do the whole
     * span again, once, as Sun's guide recommends. */
    fprintf(stderr, "producer: writing all %lu records again\n", o->records);
    rc = write_records(imported, &barrier, o->records);
  }
  if (rc != RSM_SUCCESS) goto destroy_barrier;
  took = now_ms() - start;
  printf("producer: wrote %lu records (%lu bytes) in %lld ms\n", o->records,
         o->records * RECORD_SIZE, took);

  /* Ring the exporter: its waiters wake up. */
  rc = rsm_intr_signal_post(imported, 0);
  if (rc != RSM_SUCCESS) {
    report("rsm_intr_signal_post", rc);
    goto destroy_barrier;
  }
  printf("producer: signal posted\n");
  result = 0;

destroy_barrier:
  rc = rsm_memseg_import_destroy_barrier(&barrier);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_import_destroy_barrier", rc);
    result = 1;
  }
disconnect:
  rc = rsm_memseg_import_disconnect(imported);
  if (rc != RSM_SUCCESS) {
    report("rsm_memseg_import_disconnect", rc);
    result = 1;
  }
release:
  rc = rsm_release_controller(controller);
  if (rc != RSM_SUCCESS) {
    report("rsm_release_controller", rc);
    result = 1;
  }
  return result;
}

int main(int argc, char **argv) {
  struct options options;
  /* One line at a time, so that a log file interleaves stdout and stderr in
   * the order things happened. */
  setvbuf(stdout, NULL, _IOLBF, 0);
  parse_options(argc, argv, &options);
  return options.consumer ? run_consumer(&options) : run_producer(&options);
}
