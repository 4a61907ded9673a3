/* SPDX-License-Identifier: BSD-3-Clause */
/* Built by //tools:install_test outside Bazel, against an installed librsm,
 * with `cc uses_every_function.c $(pkg-config --cflags --libs rsm)`, the way
 * a Solaris program is built with `cc ... -lrsm`. It calls every function
 * librsm exports and checks the results; the exit code is the verdict. */
/* mkstemp, setenv and unlink are POSIX, hidden by -std=c99 without this. */
#define _POSIX_C_SOURCE 200809L

#include <poll.h>
#include <rsm_dpdk.h>
#include <rsmapi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHECK(expr, want)                                                     \
  do {                                                                        \
    int got_ = (expr);                                                        \
    if (got_ != (want)) {                                                     \
      fprintf(stderr, "%s:%d: %s = %d, want %d\n", __FILE__, __LINE__, #expr, \
              got_, (want));                                                  \
      return 1;                                                               \
    }                                                                         \
  } while (0)

/* Writes a segment id file in the test's temporary directory and points
 * RSM_SEGMENTID_FILE at it, as a non-root user would instead of writing
 * /etc/rsm/rsm.segmentid. Returns 0 on success. */
static int use_segmentid_file(char *path, size_t size) {
  static const char text[] =
      "# appid reserved for this test\n"
      "reserved uses_every_function 400000 4096\n";
  const char *dir = getenv("TEST_TMPDIR");
  FILE *file;
  int fd;

  snprintf(path, size, "%s/rsm.segmentid.XXXXXX", dir ? dir : "/tmp");
  fd = mkstemp(path);
  if (fd < 0) return 1;
  file = fdopen(fd, "w");
  if (file == NULL) return 1;
  if (fputs(text, file) == EOF || fclose(file) != 0) return 1;
  return setenv("RSM_SEGMENTID_FILE", path, 1);
}

/* Every segment function once, on `name` (loopback or dpdk0): this node
 * exports a segment and imports it again. */
static int segment_round(const char *name, int can_map) {
  rsmapi_controller_handle_t ctlr;
  rsm_memseg_export_handle_t exp;
  rsm_memseg_import_handle_t imp;
  rsm_localmemory_handle_t local;
  rsm_memseg_id_t id = 0;
  rsm_topology_t *topology;
  rsm_node_id_t node;
  rsm_iovec_t iov[2];
  rsm_scat_gath_t sg;
  rsm_dpdk_counters_t counters;
  size_t page = (size_t)sysconf(_SC_PAGESIZE);
  char *memory, *other, *buffer;
  void *mapped = NULL;
  uint8_t u8 = 8, g8 = 0;
  uint16_t u16 = 16, g16 = 0;
  uint32_t u32 = 32, g32 = 0;
  uint64_t u64 = 64, g64 = 0;
  char text[6] = "hello", back[6];
  rsmapi_barrier_t barrier;
  rsm_barrier_mode_t mode;
  struct pollfd pfd;
  int ready;

  CHECK(posix_memalign((void **)&memory, page, page), 0);
  CHECK(posix_memalign((void **)&other, page, page), 0);
  CHECK(posix_memalign((void **)&buffer, page, page), 0);
  memset(memory, 0, page);
  CHECK(rsm_get_interconnect_topology(&topology), RSM_SUCCESS);
  node = topology->topology_hdr.local_nodeid;
  rsm_free_interconnect_topology(topology);

  CHECK(rsm_get_controller((char *)name, &ctlr), RSM_SUCCESS);
  CHECK(rsm_memseg_export_create(ctlr, &exp, memory, page, RSM_ALLOW_REBIND),
        RSM_SUCCESS);
  CHECK(rsm_memseg_export_publish(exp, &id, NULL, 0), RSM_SUCCESS);
  CHECK(rsm_memseg_export_republish(exp, NULL, 0), RSM_SUCCESS);
  CHECK(rsm_memseg_import_connect(ctlr, node, id, RSM_PERM_RDWR, &imp),
        RSM_SUCCESS);
  CHECK(rsm_memseg_import_put(imp, 0, text, sizeof text), RSM_SUCCESS);
  CHECK(rsm_memseg_import_get(imp, 0, back, sizeof back), RSM_SUCCESS);
  CHECK(memcmp(back, text, sizeof text), 0);
  CHECK(rsm_memseg_import_put8(imp, 8, &u8, 1), RSM_SUCCESS);
  CHECK(rsm_memseg_import_put16(imp, 16, &u16, 1), RSM_SUCCESS);
  CHECK(rsm_memseg_import_put32(imp, 32, &u32, 1), RSM_SUCCESS);
  CHECK(rsm_memseg_import_put64(imp, 64, &u64, 1), RSM_SUCCESS);
  CHECK(rsm_memseg_import_get8(imp, 8, &g8, 1), RSM_SUCCESS);
  CHECK(rsm_memseg_import_get16(imp, 16, &g16, 1), RSM_SUCCESS);
  CHECK(rsm_memseg_import_get32(imp, 32, &g32, 1), RSM_SUCCESS);
  CHECK(rsm_memseg_import_get64(imp, 64, &g64, 1), RSM_SUCCESS);
  CHECK(g8 == 8 && g16 == 16 && g32 == 32 && g64 == 64, 1);

  CHECK(rsm_create_localmemory_handle(ctlr, &local, buffer, page), RSM_SUCCESS);
  memcpy(buffer, "vector", 7);
  iov[0].io_type = RSM_HANDLE_TYPE;
  iov[0].local.handle = local;
  iov[0].local_offset = 0;
  iov[0].remote_offset = 128;
  iov[0].transfer_length = 7;
  iov[1].io_type = RSM_VA_TYPE;
  iov[1].local.vaddr = text;
  iov[1].local_offset = 0;
  iov[1].remote_offset = 256;
  iov[1].transfer_length = sizeof text;
  memset(&sg, 0, sizeof sg);
  sg.local_nodeid = node;
  sg.io_request_count = 2;
  sg.remote_handle = imp;
  sg.iovec = iov;
  CHECK(rsm_memseg_import_putv(&sg), RSM_SUCCESS);
  CHECK((int)sg.io_residual_count, 0);
  CHECK(memcmp(memory + 128, "vector", 7), 0);
  memset(buffer, 0, 7);
  CHECK(rsm_memseg_import_getv(&sg), RSM_SUCCESS);
  CHECK(memcmp(buffer, "vector", 7), 0);
  CHECK(rsm_free_localmemory_handle(ctlr, local), RSM_SUCCESS);

  CHECK(
      rsm_memseg_import_map(imp, &mapped, RSM_MAP_NONE, RSM_PERM_RDWR, 0, page),
      can_map ? RSM_SUCCESS : RSMERR_MAP_FAILED);
  if (can_map) {
    CHECK(mapped == (void *)memory, 1);
    CHECK(rsm_memseg_import_unmap(imp), RSM_SUCCESS);
  }
  CHECK(rsm_memseg_import_unmap(imp), RSMERR_SEG_NOT_MAPPED);

  /* Rebind is transparent to the importer. */
  CHECK(rsm_memseg_export_rebind(exp, other, 0, page), RSM_SUCCESS);
  CHECK(rsm_memseg_import_put(imp, 0, text, sizeof text), RSM_SUCCESS);
  CHECK(memcmp(other, text, sizeof text), 0);

  /* EXPLICIT mode: puts stream, close_barrier waits until all applied. */
  CHECK(rsm_memseg_import_init_barrier(imp, (rsm_barrier_type_t)0, &barrier),
        RSM_SUCCESS);
  CHECK(rsm_memseg_import_set_mode(imp, RSM_BARRIER_MODE_EXPLICIT),
        RSM_SUCCESS);
  CHECK(rsm_memseg_import_get_mode(imp, &mode), RSM_SUCCESS);
  CHECK(mode, RSM_BARRIER_MODE_EXPLICIT);
  CHECK(rsm_memseg_import_open_barrier(&barrier), RSM_SUCCESS);
  CHECK(rsm_memseg_import_put(imp, 512, text, sizeof text), RSM_SUCCESS);
  CHECK(rsm_memseg_import_order_barrier(&barrier), RSM_SUCCESS);
  CHECK(rsm_memseg_import_close_barrier(&barrier), RSM_SUCCESS);
  CHECK(memcmp(other + 512, text, sizeof text), 0);
  CHECK(rsm_memseg_import_destroy_barrier(&barrier), RSM_SUCCESS);
  /* Back to waiting for each put, so the put after unpublish below sees
   * the revocation. */
  CHECK(rsm_memseg_import_set_mode(imp, RSM_BARRIER_MODE_IMPLICIT),
        RSM_SUCCESS);

  /* Signals both ways; the importer waits through its pollfd. */
  CHECK(rsm_intr_signal_post(imp, 0), RSM_SUCCESS);
  CHECK(rsm_intr_signal_wait(exp, 1000), RSM_SUCCESS);
  CHECK(rsm_intr_signal_wait(exp, 0), RSMERR_TIMEOUT);
  CHECK(rsm_memseg_get_pollfd(imp, &pfd), RSM_SUCCESS);
  CHECK(rsm_intr_signal_post(exp, 0), RSM_SUCCESS);
  CHECK(rsm_intr_signal_wait_pollfd(&pfd, 1, 1000, &ready), RSM_SUCCESS);
  CHECK(ready, 1);
  CHECK(rsm_memseg_import_disconnect(imp), RSMERR_POLLFD_IN_USE);
  CHECK(rsm_memseg_release_pollfd(imp), RSM_SUCCESS);

  CHECK(rsm_dpdk_get_counters(ctlr, &counters), RSM_SUCCESS);
  CHECK(counters.puts_applied > 0, strcmp(name, "loopback") != 0);

  CHECK(rsm_memseg_export_unpublish(exp), RSM_SUCCESS);
  CHECK(rsm_memseg_import_put(imp, 0, text, sizeof text), RSMERR_CONN_ABORTED);
  CHECK(rsm_memseg_import_disconnect(imp), RSM_SUCCESS);
  CHECK(rsm_memseg_export_destroy(exp), RSM_SUCCESS);
  CHECK(rsm_release_controller(ctlr), RSM_SUCCESS);
  free(memory);
  free(other);
  free(buffer);
  return 0;
}

int main(void) {
  rsmapi_controller_handle_t loopback, dpdk0;
  rsmapi_controller_attr_t attr;
  rsm_topology_t *topology;
  char segmentid_file[4096];
  rsm_memseg_id_t base_id;
  uint32_t id_count;

  CHECK(rsm_get_controller(NULL, &loopback), RSM_SUCCESS);
  CHECK(rsm_get_controller_attr(loopback, &attr), RSM_SUCCESS);
  CHECK(attr.attr_page_size > 0, 1);
  CHECK(rsm_get_controller((char *)"nosuch0", &dpdk0), RSMERR_CTLR_NOT_PRESENT);
  CHECK(rsm_get_controller((char *)"dpdk0", &dpdk0), RSM_SUCCESS);
  CHECK(rsm_get_controller_attr(dpdk0, &attr), RSM_SUCCESS);
  CHECK(rsm_release_controller(dpdk0), RSM_SUCCESS);

  CHECK(rsm_get_interconnect_topology(NULL), RSMERR_BAD_TOPOLOGY_PTR);
  CHECK(rsm_get_interconnect_topology(&topology), RSM_SUCCESS);
  CHECK((int)topology->topology_hdr.local_cntlr_count, 1);
  rsm_free_interconnect_topology(topology);

  CHECK(rsm_release_controller(loopback), RSM_SUCCESS);
  CHECK(rsm_release_controller(loopback), RSMERR_BAD_CTLR_HNDL);

  CHECK(use_segmentid_file(segmentid_file, sizeof segmentid_file), 0);
  CHECK(rsm_get_segmentid_range("USES_every_function", &base_id, &id_count),
        RSM_SUCCESS);
  CHECK(base_id == 0x400000 && id_count == 4096, 1);
  CHECK(rsm_get_segmentid_range("nosuch", &base_id, &id_count),
        RSMERR_BAD_APPID);
  CHECK(rsm_get_segmentid_range(NULL, &base_id, &id_count), RSMERR_BAD_ADDR);
  unlink(segmentid_file);

  CHECK(segment_round("loopback", 1), 0);
  CHECK(segment_round("dpdk0", 1), 0);
  printf("uses_every_function: ok\n");
  return 0;
}
