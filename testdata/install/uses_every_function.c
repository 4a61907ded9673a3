/* Built by //tools:install_test outside Bazel, against an installed librsm,
 * with `cc uses_every_function.c $(pkg-config --cflags --libs rsm)`, the way
 * a Solaris program is built with `cc ... -lrsm`. It calls every function
 * librsm exports and checks the results; the exit code is the verdict. */
/* mkstemp, setenv and unlink are POSIX, hidden by -std=c99 without this. */
#define _POSIX_C_SOURCE 200809L

#include <rsmapi.h>
#include <stdio.h>
#include <stdlib.h>
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
  printf("uses_every_function: ok\n");
  return 0;
}
