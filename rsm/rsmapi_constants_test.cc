// SPDX-License-Identifier: BSD-3-Clause
// Every constant and error value of rsmapi.h against the values Solaris
// shipped (Solaris's rsmapi.h and rsm_common.h), and every prototype against
// Solaris's exact signature. Compiled as C++17 with -Wall -Wextra -Werror.
#include <cstddef>
#include <type_traits>

#include "gtest/gtest.h"
#include "rsm/rsmapi.h"

namespace {

struct Constant {
  const char* name;
  long long actual;
  long long expected;
};

#define RSM_CONSTANT(name, value) \
  Constant { #name, static_cast < long long>(name), value }

TEST(RsmapiConstants, ErrorCodesHaveSolarisValues) {
  const Constant kErrors[] = {
      RSM_CONSTANT(RSM_SUCCESS, 0),
      RSM_CONSTANT(RSMERR_BAD_LIBRARY_VERSION, 1),
      RSM_CONSTANT(RSMERR_BAD_TOPOLOGY_PTR, 2),
      RSM_CONSTANT(RSMERR_BAD_CTLR_HNDL, 3),
      RSM_CONSTANT(RSMERR_CTLR_NOT_PRESENT, 4),
      RSM_CONSTANT(RSMERR_BAD_SEG_HNDL, 5),
      RSM_CONSTANT(RSMERR_SEG_ALREADY_PUBLISHED, 6),
      RSM_CONSTANT(RSMERR_SEG_NOT_PUBLISHED, 7),
      RSM_CONSTANT(RSMERR_SEG_NOT_PUBLISHED_TO_NODE, 8),
      RSM_CONSTANT(RSMERR_SEG_ALREADY_MAPPED, 9),
      RSM_CONSTANT(RSMERR_SEG_STILL_MAPPED, 10),
      RSM_CONSTANT(RSMERR_SEG_NOT_MAPPED, 11),
      RSM_CONSTANT(RSMERR_NOT_CREATOR, 12),
      RSM_CONSTANT(RSMERR_BAD_BARRIER_PTR, 13),
      RSM_CONSTANT(RSMERR_BAD_SGIO, 14),
      RSM_CONSTANT(RSMERR_BAD_LOCALMEM_HNDL, 15),
      RSM_CONSTANT(RSMERR_BAD_ADDR, 16),
      RSM_CONSTANT(RSMERR_BAD_MEM_ALIGNMENT, 17),
      RSM_CONSTANT(RSMERR_BAD_OFFSET, 18),
      RSM_CONSTANT(RSMERR_MISALIGNED_OFFSET, 19),
      RSM_CONSTANT(RSMERR_BAD_LENGTH, 20),
      RSM_CONSTANT(RSMERR_BAD_ACL, 21),
      RSM_CONSTANT(RSMERR_BAD_SEGID, 22),
      RSM_CONSTANT(RSMERR_RESERVED_SEGID, 23),
      RSM_CONSTANT(RSMERR_SEGID_IN_USE, 24),
      RSM_CONSTANT(RSMERR_BAD_MODE, 25),
      RSM_CONSTANT(RSMERR_BAD_PERMS, 26),
      RSM_CONSTANT(RSMERR_PERM_DENIED, 27),
      RSM_CONSTANT(RSMERR_LOCKS_NOT_SUPPORTED, 28),
      RSM_CONSTANT(RSMERR_LOCKS_NOT_ENABLED, 29),
      RSM_CONSTANT(RSMERR_REBIND_NOT_ALLOWED, 30),
      RSM_CONSTANT(RSMERR_INSUFFICIENT_RESOURCES, 31),
      RSM_CONSTANT(RSMERR_INSUFFICIENT_MEM, 32),
      RSM_CONSTANT(RSMERR_MAP_FAILED, 33),
      RSM_CONSTANT(RSMERR_POLLFD_IN_USE, 34),
      RSM_CONSTANT(RSMERR_BARRIER_UNINITIALIZED, 35),
      RSM_CONSTANT(RSMERR_BARRIER_OPEN_FAILED, 36),
      RSM_CONSTANT(RSMERR_BARRIER_NOT_OPENED, 37),
      RSM_CONSTANT(RSMERR_BARRIER_FAILURE, 38),
      RSM_CONSTANT(RSMERR_REMOTE_NODE_UNREACHABLE, 39),
      RSM_CONSTANT(RSMERR_CONN_ABORTED, 40),
      RSM_CONSTANT(RSMERR_INTERRUPTED, 41),
      RSM_CONSTANT(RSMERR_TIMEOUT, 42),
      RSM_CONSTANT(RSMERR_BAD_APPID, 43),
      RSM_CONSTANT(RSMERR_BAD_CONF, 44),
      RSM_CONSTANT(RSMERR_SEG_NOT_CONNECTED, 45),
      RSM_CONSTANT(RSMERR_INTERNAL_ERROR, 100),
      RSM_CONSTANT(RSMERR_BAD_DRIVER_VERSION, 101),
      RSM_CONSTANT(RSMERR_UNSUPPORTED_VERSION, 102),
      RSM_CONSTANT(RSMERR_DRIVER_NAME_IN_USE, 103),
      RSM_CONSTANT(RSMERR_DRIVER_NOT_REGISTERED, 104),
      RSM_CONSTANT(RSMERR_DRIVER_THREAD_RUNNING, 105),
      RSM_CONSTANT(RSMERR_NEED_THREAD_INIT, 106),
      RSM_CONSTANT(RSMERR_THREAD_NOT_INITED, 107),
      RSM_CONSTANT(RSMERR_CTLRS_REGISTERED, 108),
      RSM_CONSTANT(RSMERR_CTLR_NOT_REGISTERED, 109),
      RSM_CONSTANT(RSMERR_CTLR_ALREADY_REGISTERED, 110),
      RSM_CONSTANT(RSMERR_CTLR_IN_USE, 111),
      RSM_CONSTANT(RSMERR_NAME_TOO_LONG, 112),
      RSM_CONSTANT(RSMERR_SEG_PUBLISHED, 113),
      RSM_CONSTANT(RSMERR_SEG_NOT_PUBLISHED_TO_RSM_ADDR, 114),
      RSM_CONSTANT(RSMERR_SEG_IN_USE, 115),
      RSM_CONSTANT(RSMERR_BAD_SENDQ_HNDL, 116),
      RSM_CONSTANT(RSMERR_BAD_ARGS_ERRORS, 117),
      RSM_CONSTANT(RSMERR_BAD_MSTYPE, 118),
      RSM_CONSTANT(RSMERR_NO_BACKING_MEM, 119),
      RSM_CONSTANT(RSMERR_NOT_MEM, 120),
      RSM_CONSTANT(RSMERR_MEM_ALREADY_BOUND, 121),
      RSM_CONSTANT(RSMERR_MEM_NOT_BOUND, 122),
      RSM_CONSTANT(RSMERR_HANDLER_NOT_REGISTERED, 123),
      RSM_CONSTANT(RSMERR_NO_HANDLER, 124),
      RSM_CONSTANT(RSMERR_UNBIND_REBIND_NOT_ALLOWED, 125),
      RSM_CONSTANT(RSMERR_CALLBACKS_NOT_SUPPORTED, 126),
      RSM_CONSTANT(RSMERR_UNSUPPORTED_OPERATION, 127),
      RSM_CONSTANT(RSMERR_RSM_ADDR_UNREACHABLE, 128),
      RSM_CONSTANT(RSMERR_UNKNOWN_RSM_ADDR, 129),
      RSM_CONSTANT(RSMERR_BAD_BARRIER_HNDL, 130),
      RSM_CONSTANT(RSMERR_COMM_ERR_MAYBE_DELIVERED, 131),
      RSM_CONSTANT(RSMERR_COMM_ERR_NOT_DELIVERED, 132),
      RSM_CONSTANT(RSMERR_QUEUE_FENCE_UP, 133),
      RSM_CONSTANT(RSMERR_QUEUE_FULL, 134),
  };
  for (const Constant& c : kErrors) {
    EXPECT_EQ(c.actual, c.expected) << c.name;
  }
}

TEST(RsmapiConstants, FlagsLimitsAndRangesHaveSolarisValues) {
  const Constant kConstants[] = {
      RSM_CONSTANT(RSM_VERSION, 5),
      RSM_CONSTANT(RSM_ALLOW_REBIND, 0x01),
      RSM_CONSTANT(RSM_CREATE_SEG_DONTWAIT, 0x02),
      RSM_CONSTANT(RSM_IMPLICIT_SIGPOST, 0x01),
      RSM_CONSTANT(RSM_SIGPOST_NO_ACCUMULATE, 0x02),
      RSM_CONSTANT(RSM_HANDLE_TYPE, 0x01),
      RSM_CONSTANT(RSM_VA_TYPE, 0x02),
      RSM_CONSTANT(RSM_MAP_NONE, 0x0),
      RSM_CONSTANT(RSM_MAP_FIXED, 0x1),
      RSM_CONSTANT(RSM_MAP_RESERVED, 0x2),
      RSM_CONSTANT(RSM_CONNECTION_ACTIVE, 3),
      RSM_CONSTANT(RSM_PERM_NONE, 0),
      RSM_CONSTANT(RSM_PERM_READ, 0400),
      RSM_CONSTANT(RSM_PERM_WRITE, 0200),
      RSM_CONSTANT(RSM_PERM_RDWR, 0600),
      RSM_CONSTANT(RSM_MAX_SGIOREQS, 16),
      RSM_CONSTANT(RSM_DAS8, 1),
      RSM_CONSTANT(RSM_DAS16, 2),
      RSM_CONSTANT(RSM_DAS32, 4),
      RSM_CONSTANT(RSM_DAS64, 8),
      RSM_CONSTANT(RSM_BARRIER_SEGMENT, 0x01),
      RSM_CONSTANT(RSM_BARRIER_NODE, 0x02),
      RSM_CONSTANT(RSM_BARRIER_SEGMENT_THREAD, 0x11),
      RSM_CONSTANT(RSM_BARRIER_NODE_THREAD, 0x12),
      RSM_CONSTANT(RSM_BARRIER_MODE_EXPLICIT, 0),
      RSM_CONSTANT(RSM_BARRIER_MODE_IMPLICIT, 1),
      RSM_CONSTANT(RSM_DRIVER_PRIVATE_ID_BASE, 0),
      RSM_CONSTANT(RSM_DRIVER_PRIVATE_ID_END, 0x0FFFFF),
      RSM_CONSTANT(RSM_CLUSTER_TRANSPORT_ID_BASE, 0x100000),
      RSM_CONSTANT(RSM_CLUSTER_TRANSPORT_ID_END, 0x1FFFFF),
      RSM_CONSTANT(RSM_RSMLIB_ID_BASE, 0x200000),
      RSM_CONSTANT(RSM_RSMLIB_ID_END, 0x2FFFFF),
      RSM_CONSTANT(RSM_DLPI_ID_BASE, 0x300000),
      RSM_CONSTANT(RSM_DLPI_ID_END, 0x3FFFFF),
      RSM_CONSTANT(RSM_HPC_ID_BASE, 0x400000),
      RSM_CONSTANT(RSM_HPC_ID_END, 0x4FFFFF),
      RSM_CONSTANT(RSM_OPS_ID_BASE, 0x500000),
      RSM_CONSTANT(RSM_OPS_ID_END, 0x5FFFFF),
      RSM_CONSTANT(RSM_USER_APP_ID_BASE, 0x80000000LL),
      RSM_CONSTANT(RSM_USER_APP_ID_END, 0xFFFFFFFFLL),
      RSM_CONSTANT(MAXNAMELEN, 256),
  };
  for (const Constant& c : kConstants) {
    EXPECT_EQ(c.actual, c.expected) << c.name;
  }
}

TEST(RsmapiTypes, HaveSolarisWidths) {
  static_assert(std::is_same_v<rsm_addr_t, uint64_t>);
  static_assert(std::is_same_v<rsm_node_id_t, uint32_t>);
  static_assert(std::is_same_v<rsm_memseg_id_t, uint32_t>);
  static_assert(std::is_same_v<rsm_permission_t, uint32_t>);
  static_assert(std::is_same_v<uint_t, unsigned int>);
  static_assert(std::is_same_v<ulong_t, unsigned long>);
  static_assert(std::is_same_v<offset_t, long long>);
  static_assert(std::is_same_v<caddr_t, char*>);
  static_assert(sizeof(rsm_barrier_component_t) == 8);
  static_assert(sizeof(rsm_barrier_t) == 32);
  // Field order as Solaris declared it.
  static_assert(offsetof(rsmapi_controller_attr_t, attr_page_size) <
                offsetof(rsmapi_controller_attr_t, attr_max_import_segments));
  static_assert(offsetof(rsm_scat_gath_t, iovec) >
                offsetof(rsm_scat_gath_t, remote_handle));
  static_assert(offsetof(rsm_connections_t, remote_cntlr) ==
                sizeof(rsm_connections_hdr_t));
  EXPECT_EQ(sizeof(((rsm_remote_cntlr_t*)nullptr)->remote_cntlrname), 256u);
}

#define RSM_PROTOTYPE(function, ...) \
  static_assert(std::is_same_v<decltype(&function), __VA_ARGS__>, #function)

// decltype does not odr-use the functions, so functions later issues
// implement are checked here without being linked.
RSM_PROTOTYPE(rsm_get_controller, int (*)(char*, rsmapi_controller_handle_t*));
RSM_PROTOTYPE(rsm_get_controller_attr,
              int (*)(rsmapi_controller_handle_t, rsmapi_controller_attr_t*));
RSM_PROTOTYPE(rsm_release_controller, int (*)(rsmapi_controller_handle_t));
RSM_PROTOTYPE(rsm_get_interconnect_topology, int (*)(rsm_topology_t**));
RSM_PROTOTYPE(rsm_free_interconnect_topology, void (*)(rsm_topology_t*));
RSM_PROTOTYPE(rsm_get_segmentid_range,
              int (*)(const char*, rsm_memseg_id_t*, uint32_t*));
RSM_PROTOTYPE(rsm_memseg_export_create,
              int (*)(rsmapi_controller_handle_t, rsm_memseg_export_handle_t*,
                      void*, size_t, uint_t));
RSM_PROTOTYPE(rsm_memseg_export_destroy, int (*)(rsm_memseg_export_handle_t));
RSM_PROTOTYPE(rsm_memseg_export_rebind,
              int (*)(rsm_memseg_export_handle_t, void*, offset_t, size_t));
RSM_PROTOTYPE(rsm_memseg_export_publish,
              int (*)(rsm_memseg_export_handle_t, rsm_memseg_id_t*,
                      rsmapi_access_entry_t*, uint_t));
RSM_PROTOTYPE(rsm_memseg_export_unpublish, int (*)(rsm_memseg_export_handle_t));
RSM_PROTOTYPE(rsm_memseg_export_republish,
              int (*)(rsm_memseg_export_handle_t, rsmapi_access_entry_t*,
                      uint_t));
RSM_PROTOTYPE(rsm_memseg_import_connect,
              int (*)(rsmapi_controller_handle_t, rsm_node_id_t,
                      rsm_memseg_id_t, rsm_permission_t,
                      rsm_memseg_import_handle_t*));
RSM_PROTOTYPE(rsm_memseg_import_disconnect,
              int (*)(rsm_memseg_import_handle_t));
RSM_PROTOTYPE(rsm_memseg_import_map,
              int (*)(rsm_memseg_import_handle_t, void**, rsm_attribute_t,
                      rsm_permission_t, off_t, size_t));
RSM_PROTOTYPE(rsm_memseg_import_unmap, int (*)(rsm_memseg_import_handle_t));
RSM_PROTOTYPE(rsm_memseg_import_get,
              int (*)(rsm_memseg_import_handle_t, off_t, void*, size_t));
RSM_PROTOTYPE(rsm_memseg_import_get8,
              int (*)(rsm_memseg_import_handle_t, off_t, uint8_t*, ulong_t));
RSM_PROTOTYPE(rsm_memseg_import_get16,
              int (*)(rsm_memseg_import_handle_t, off_t, uint16_t*, ulong_t));
RSM_PROTOTYPE(rsm_memseg_import_get32,
              int (*)(rsm_memseg_import_handle_t, off_t, uint32_t*, ulong_t));
RSM_PROTOTYPE(rsm_memseg_import_get64,
              int (*)(rsm_memseg_import_handle_t, off_t, uint64_t*, ulong_t));
RSM_PROTOTYPE(rsm_memseg_import_put,
              int (*)(rsm_memseg_import_handle_t, off_t, void*, size_t));
RSM_PROTOTYPE(rsm_memseg_import_put8,
              int (*)(rsm_memseg_import_handle_t, off_t, uint8_t*, ulong_t));
RSM_PROTOTYPE(rsm_memseg_import_put16,
              int (*)(rsm_memseg_import_handle_t, off_t, uint16_t*, ulong_t));
RSM_PROTOTYPE(rsm_memseg_import_put32,
              int (*)(rsm_memseg_import_handle_t, off_t, uint32_t*, ulong_t));
RSM_PROTOTYPE(rsm_memseg_import_put64,
              int (*)(rsm_memseg_import_handle_t, off_t, uint64_t*, ulong_t));
RSM_PROTOTYPE(rsm_memseg_import_getv, int (*)(rsm_scat_gath_t*));
RSM_PROTOTYPE(rsm_memseg_import_putv, int (*)(rsm_scat_gath_t*));
RSM_PROTOTYPE(rsm_memseg_import_init_barrier,
              int (*)(rsm_memseg_import_handle_t, rsm_barrier_type_t,
                      rsmapi_barrier_t*));
RSM_PROTOTYPE(rsm_memseg_import_open_barrier, int (*)(rsmapi_barrier_t*));
RSM_PROTOTYPE(rsm_memseg_import_close_barrier, int (*)(rsmapi_barrier_t*));
RSM_PROTOTYPE(rsm_memseg_import_order_barrier, int (*)(rsmapi_barrier_t*));
RSM_PROTOTYPE(rsm_memseg_import_destroy_barrier, int (*)(rsmapi_barrier_t*));
RSM_PROTOTYPE(rsm_memseg_import_get_mode,
              int (*)(rsm_memseg_import_handle_t, rsm_barrier_mode_t*));
RSM_PROTOTYPE(rsm_memseg_import_set_mode,
              int (*)(rsm_memseg_import_handle_t, rsm_barrier_mode_t));
RSM_PROTOTYPE(rsm_create_localmemory_handle,
              int (*)(rsmapi_controller_handle_t, rsm_localmemory_handle_t*,
                      caddr_t, size_t));
RSM_PROTOTYPE(rsm_free_localmemory_handle,
              int (*)(rsmapi_controller_handle_t, rsm_localmemory_handle_t));
RSM_PROTOTYPE(rsm_intr_signal_post, int (*)(void*, uint_t));
RSM_PROTOTYPE(rsm_intr_signal_wait, int (*)(void*, int));
RSM_PROTOTYPE(rsm_memseg_get_pollfd, int (*)(void*, struct pollfd*));
RSM_PROTOTYPE(rsm_memseg_release_pollfd, int (*)(void*));
RSM_PROTOTYPE(rsm_intr_signal_wait_pollfd,
              int (*)(struct pollfd*, nfds_t, int, int*));

}  // namespace
