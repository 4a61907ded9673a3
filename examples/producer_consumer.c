/* SPDX-License-Identifier: BSD-3-Clause */
/* producer_consumer: two processes share one segment and one signal.
 *
 * The consumer exports a page-aligned buffer big enough for N fixed-size
 * records and publishes it under a fixed segment id that both sides know in
 * advance (RSMAPI has no name service: ids are agreed out of band). The
 * producer imports it, writes every record with rsm_memseg_import_put inside
 * an explicit barrier (open, puts, close: a successful close means every put
 * since the open reached the consumer's memory), then rings the consumer with
 * rsm_intr_signal_post. The consumer, woken by that signal, checks every
 * record in its own memory and exits 0 only if all of them are intact.
 *
 *   producer_consumer consumer [--poll] [--allow NODE] [--timeout SECONDS]
 *                              [--segment-id ID] [--records N]
 *                              [--controller NAME]
 *   producer_consumer producer --node CONSUMER_NODE [--segment-id ID]
 *                              [--records N] [--controller NAME]
 *
 * The consumer waits with rsm_intr_signal_wait, or with --poll in poll(2) on
 * the segment's descriptor (rsm_memseg_get_pollfd), as a program with other
 * descriptors to watch would. --allow NODE publishes with an access list
 * naming only that node; without it any node may connect. Both sides must
 * agree on --segment-id (default 0x400100; applications may publish ids
 * 0x400000 to 0x7fffffff) and --records (default 1000).
 *
 * Two processes on one host, over net_memif: node 1 is the consumer (and the
 * memif server), node 2 the producer. From the top of the repository, in two
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
 *
 * Only <rsmapi.h> is needed, and <rsm_dpdk.h> for the frame counters the
 * consumer prints (example_util's print_counters: leave both out on
 * Solaris). */
#define _POSIX_C_SOURCE 200112L
#include <errno.h>
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

#define DEFAULT_SEGMENT_ID 0x400100u
#define DEFAULT_RECORDS 1000ul
#define MAX_RECORDS (1ul << 24) /* 1 GiB of records */
#define DEFAULT_TIMEOUT_S 30
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

/* ---- Small helpers ----------------------------------------------------- */

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

static int usage(void) {
  fprintf(stderr,
          "usage: producer_consumer consumer [--poll] [--allow NODE] "
          "[--timeout SECONDS]\n"
          "                                  [--segment-id ID] [--records N] "
          "[--controller NAME]\n"
          "       producer_consumer producer --node CONSUMER_NODE "
          "[--segment-id ID]\n"
          "                                  [--records N] "
          "[--controller NAME]\n"
          "Segment ids 0x400000 to 0x7fffffff (default 0x%x); records 1 to "
          "%lu (default %lu).\n",
          DEFAULT_SEGMENT_ID, MAX_RECORDS, DEFAULT_RECORDS);
  return 2;
}

static int parse_options(int argc, char **argv, struct options *o) {
  static char default_controller[] = "dpdk0";
  unsigned long value;
  int i;
  if (argc < 2) return -1;
  if (strcmp(argv[1], "consumer") == 0) {
    o->consumer = 1;
  } else if (strcmp(argv[1], "producer") == 0) {
    o->consumer = 0;
  } else {
    return -1;
  }
  role = argv[1];
  o->poll = 0;
  o->controller = default_controller;
  o->segment_id = DEFAULT_SEGMENT_ID;
  o->records = DEFAULT_RECORDS;
  o->node = 0;
  o->allow = 0;
  o->timeout_s = DEFAULT_TIMEOUT_S;
  for (i = 2; i < argc; ++i) {
    const char *option = argv[i];
    const char *argument = i + 1 < argc ? argv[i + 1] : NULL;
    if (o->consumer && strcmp(option, "--poll") == 0) {
      o->poll = 1;
      continue;
    }
    if (strcmp(option, "--controller") == 0 && argument != NULL) {
      o->controller = argv[i + 1];
    } else if (strcmp(option, "--segment-id") == 0 &&
               parse_number(argument, 0x400000ul, 0x7ffffffful, &value) == 0) {
      o->segment_id = (rsm_memseg_id_t)value;
    } else if (strcmp(option, "--records") == 0 &&
               parse_number(argument, 1, MAX_RECORDS, &value) == 0) {
      o->records = value;
    } else if (!o->consumer && strcmp(option, "--node") == 0 &&
               parse_number(argument, 1, 64, &value) == 0) {
      o->node = (rsm_node_id_t)value;
    } else if (o->consumer && strcmp(option, "--allow") == 0 &&
               parse_number(argument, 1, 64, &value) == 0) {
      o->allow = (rsm_node_id_t)value;
    } else if (o->consumer && strcmp(option, "--timeout") == 0 &&
               parse_number(argument, 1, INT_MAX / 1000, &value) == 0) {
      o->timeout_s = (int)value;
    } else {
      fprintf(stderr, "%s: bad option or value: %s%s%s\n", role, option,
              argument != NULL ? " " : "", argument != NULL ? argument : "");
      return -1;
    }
    ++i; /* the option's value */
  }
  if (!o->consumer && o->node == 0) {
    fprintf(stderr, "producer: --node CONSUMER_NODE is required\n");
    return -1;
  }
  return 0;
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
  if (parse_options(argc, argv, &options) != 0) return usage();
  return options.consumer ? run_consumer(&options) : run_producer(&options);
}
