/* Built by //tools:install_test outside Bazel, against an installed librsm,
 * with `cc uses_every_function.c $(pkg-config --cflags --libs rsm)`, the way
 * a Solaris program is built with `cc ... -lrsm`. It calls every function
 * librsm exports and checks the results; the exit code is the verdict. */
#include <rsmapi.h>
#include <stdio.h>

#define CHECK(expr, want)                                                     \
  do {                                                                        \
    int got_ = (expr);                                                        \
    if (got_ != (want)) {                                                     \
      fprintf(stderr, "%s:%d: %s = %d, want %d\n", __FILE__, __LINE__, #expr, \
              got_, (want));                                                  \
      return 1;                                                               \
    }                                                                         \
  } while (0)

int main(void) {
  rsmapi_controller_handle_t loopback, dpdk0;
  rsmapi_controller_attr_t attr;
  rsm_topology_t *topology;

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
  printf("uses_every_function: ok\n");
  return 0;
}
