/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * rsmapi.h: the Remote Shared Memory API (RSMAPI) of Solaris, as shipped in
 * <rsmapi.h> and -lrsm, for rsm-dpdk.
 *
 * Names, types, structure layouts, constants and error values are those of
 * Solaris, so a program written against the Solaris header compiles
 * unchanged. Where the Solaris man pages and code disagree, see
 * docs/compatibility.md for the choice made here.
 *
 * This header is plain C (C99 and later, and C++), includes only standard and
 * system headers, and exposes nothing of the DPDK transport beneath it.
 */
#ifndef RSM_RSMAPI_H_
#define RSM_RSMAPI_H_

#include <poll.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Solaris base types that glibc does not define. */
typedef unsigned char uchar_t;
typedef unsigned int uint_t;
typedef unsigned long ulong_t; /* NOLINT(google-runtime-int) */
typedef long long offset_t;    /* NOLINT(google-runtime-int) */
#ifndef __daddr_t_defined
/* glibc's <sys/types.h> defines caddr_t (and this macro) only outside strict
 * ISO modes such as -std=c99. */
typedef char *caddr_t;
#endif

/* Solaris's MAXNAMELEN; the topology structures are laid out with it. */
#define RSM_MAXNAMELEN 256
#ifndef MAXNAMELEN
#define MAXNAMELEN RSM_MAXNAMELEN
#endif

#define RSM_VERSION 5

/* ---- Return values ---------------------------------------------------- */

#define RSM_SUCCESS 0
#define RSMERR_BAD_LIBRARY_VERSION 1
#define RSMERR_BAD_TOPOLOGY_PTR 2
#define RSMERR_BAD_CTLR_HNDL 3
#define RSMERR_CTLR_NOT_PRESENT 4
#define RSMERR_BAD_SEG_HNDL 5
#define RSMERR_SEG_ALREADY_PUBLISHED 6
#define RSMERR_SEG_NOT_PUBLISHED 7
#define RSMERR_SEG_NOT_PUBLISHED_TO_NODE 8
#define RSMERR_SEG_ALREADY_MAPPED 9
#define RSMERR_SEG_STILL_MAPPED 10
#define RSMERR_SEG_NOT_MAPPED 11
#define RSMERR_NOT_CREATOR 12
#define RSMERR_BAD_BARRIER_PTR 13
#define RSMERR_BAD_SGIO 14
#define RSMERR_BAD_LOCALMEM_HNDL 15
#define RSMERR_BAD_ADDR 16
#define RSMERR_BAD_MEM_ALIGNMENT 17
#define RSMERR_BAD_OFFSET 18
#define RSMERR_MISALIGNED_OFFSET 19
#define RSMERR_BAD_LENGTH 20
#define RSMERR_BAD_ACL 21
#define RSMERR_BAD_SEGID 22
#define RSMERR_RESERVED_SEGID 23
#define RSMERR_SEGID_IN_USE 24
#define RSMERR_BAD_MODE 25
#define RSMERR_BAD_PERMS 26
#define RSMERR_PERM_DENIED 27
#define RSMERR_LOCKS_NOT_SUPPORTED 28
#define RSMERR_LOCKS_NOT_ENABLED 29
#define RSMERR_REBIND_NOT_ALLOWED 30
#define RSMERR_INSUFFICIENT_RESOURCES 31
#define RSMERR_INSUFFICIENT_MEM 32
#define RSMERR_MAP_FAILED 33
#define RSMERR_POLLFD_IN_USE 34
#define RSMERR_BARRIER_UNINITIALIZED 35
#define RSMERR_BARRIER_OPEN_FAILED 36
#define RSMERR_BARRIER_NOT_OPENED 37
#define RSMERR_BARRIER_FAILURE 38
#define RSMERR_REMOTE_NODE_UNREACHABLE 39
#define RSMERR_CONN_ABORTED 40
#define RSMERR_INTERRUPTED 41
#define RSMERR_TIMEOUT 42
#define RSMERR_BAD_APPID 43
#define RSMERR_BAD_CONF 44
#define RSMERR_SEG_NOT_CONNECTED 45

/* Driver-level (RSMPI) values, which Solaris let leak through the API. */
#define RSMERR_INTERNAL_ERROR 100
#define RSMERR_BAD_DRIVER_VERSION 101
#define RSMERR_UNSUPPORTED_VERSION 102
#define RSMERR_DRIVER_NAME_IN_USE 103
#define RSMERR_DRIVER_NOT_REGISTERED 104
#define RSMERR_DRIVER_THREAD_RUNNING 105
#define RSMERR_NEED_THREAD_INIT 106
#define RSMERR_THREAD_NOT_INITED 107
#define RSMERR_CTLRS_REGISTERED 108
#define RSMERR_CTLR_NOT_REGISTERED 109
#define RSMERR_CTLR_ALREADY_REGISTERED 110
#define RSMERR_CTLR_IN_USE 111
#define RSMERR_NAME_TOO_LONG 112
#define RSMERR_SEG_PUBLISHED 113
#define RSMERR_SEG_NOT_PUBLISHED_TO_RSM_ADDR 114
#define RSMERR_SEG_IN_USE 115
#define RSMERR_BAD_SENDQ_HNDL 116
#define RSMERR_BAD_ARGS_ERRORS 117
#define RSMERR_BAD_MSTYPE 118
#define RSMERR_NO_BACKING_MEM 119
#define RSMERR_NOT_MEM 120
#define RSMERR_MEM_ALREADY_BOUND 121
#define RSMERR_MEM_NOT_BOUND 122
#define RSMERR_HANDLER_NOT_REGISTERED 123
#define RSMERR_NO_HANDLER 124
#define RSMERR_UNBIND_REBIND_NOT_ALLOWED 125
#define RSMERR_CALLBACKS_NOT_SUPPORTED 126
#define RSMERR_UNSUPPORTED_OPERATION 127
#define RSMERR_RSM_ADDR_UNREACHABLE 128
#define RSMERR_UNKNOWN_RSM_ADDR 129
#define RSMERR_BAD_BARRIER_HNDL 130
#define RSMERR_COMM_ERR_MAYBE_DELIVERED 131
#define RSMERR_COMM_ERR_NOT_DELIVERED 132
#define RSMERR_QUEUE_FENCE_UP 133
#define RSMERR_QUEUE_FULL 134

/* ---- Segment id space ------------------------------------------------- */

#define RSM_DRIVER_PRIVATE_ID_BASE 0
#define RSM_DRIVER_PRIVATE_ID_END 0x0FFFFF
#define RSM_CLUSTER_TRANSPORT_ID_BASE 0x100000
#define RSM_CLUSTER_TRANSPORT_ID_END 0x1FFFFF
#define RSM_RSMLIB_ID_BASE 0x200000
#define RSM_RSMLIB_ID_END 0x2FFFFF
#define RSM_DLPI_ID_BASE 0x300000
#define RSM_DLPI_ID_END 0x3FFFFF
#define RSM_HPC_ID_BASE 0x400000
#define RSM_HPC_ID_END 0x4FFFFF
#define RSM_OPS_ID_BASE 0x500000
#define RSM_OPS_ID_END 0x5FFFFF
#define RSM_USER_APP_ID_BASE 0x80000000
#define RSM_USER_APP_ID_END 0xFFFFFFFF

/* ---- Permissions (octal, like file modes) ---------------------------- */

#define RSM_PERM_NONE 0
#define RSM_PERM_READ 0400
#define RSM_PERM_WRITE 0200
#define RSM_PERM_RDWR (RSM_PERM_READ | RSM_PERM_WRITE)

/* Maximum io_request_count in rsm_scat_gath_t. */
#define RSM_MAX_SGIOREQS 16

/* ---- Basic types ------------------------------------------------------ */

typedef enum {
  RSM_DAS8 = 1,
  RSM_DAS16 = 2,
  RSM_DAS32 = 4,
  RSM_DAS64 = 8
} rsm_access_size_t;

typedef uint64_t rsm_addr_t;
typedef uint32_t rsm_node_id_t;
typedef uint32_t rsm_memseg_id_t;
typedef uint32_t rsm_permission_t;

/* Opaque handles, under Solaris's (reserved-looking) structure names. */
struct __rsm_memseg_import_handle; /* NOLINT(bugprone-reserved-identifier) */
typedef struct __rsm_memseg_import_handle *rsm_memseg_import_handle_t;

struct __rsm_memseg_export_handle; /* NOLINT(bugprone-reserved-identifier) */
typedef struct __rsm_memseg_export_handle *rsm_memseg_export_handle_t;

struct __rsm_localmemory_handle; /* NOLINT(bugprone-reserved-identifier) */
typedef struct __rsm_localmemory_handle *rsm_localmemory_handle_t;

struct __rsmapi_controller_handle; /* NOLINT(bugprone-reserved-identifier) */
typedef struct __rsmapi_controller_handle *rsmapi_controller_handle_t;

typedef enum {
  RSM_BARRIER_SEGMENT = 0x01,
  RSM_BARRIER_NODE = 0x02,
  RSM_BARRIER_SEGMENT_THREAD = 0x11,
  RSM_BARRIER_NODE_THREAD = 0x12
} rsm_barrier_type_t;

typedef union {
  uint64_t u64;
  int64_t i64;
  uint32_t u32[2];
  int32_t i32[2];
  uint16_t u16[4];
  int16_t i16[4];
  uint8_t u8[8];
  int8_t i8[8];
  uchar_t uc[8];
  char c[8];
  void *vp;
} rsm_barrier_component_t;

typedef struct {
  rsm_barrier_component_t comp[4];
} rsm_barrier_t;

typedef enum {
  RSM_BARRIER_MODE_EXPLICIT,
  RSM_BARRIER_MODE_IMPLICIT
} rsm_barrier_mode_t;

/* ---- Structures ------------------------------------------------------- */

typedef struct {
  uint_t attr_direct_access_sizes; /* RSM_DAS* bits of direct load/store */
  uint_t attr_atomic_sizes;        /* RSM_DAS* bits accessed atomically */
  size_t attr_page_size;
  size_t attr_max_export_segment_size;
  size_t attr_tot_export_segment_size;
  ulong_t attr_max_export_segments;
  size_t attr_max_import_map_size;
  size_t attr_tot_import_map_size;
  ulong_t attr_max_import_segments;
} rsmapi_controller_attr_t;

typedef struct {
  rsm_node_id_t ae_node;          /* node allowed to connect */
  rsm_permission_t ae_permission; /* its owner/group/other mode */
} rsmapi_access_entry_t;

/* Caller-allocated; its contents belong to the library. */
typedef struct {
  void *seg;
  uint16_t gnum;
  void *privdata;
} rsmapi_barrier_t;

/* rsm_iovec_t.io_type */
#define RSM_HANDLE_TYPE 0x01
#define RSM_VA_TYPE 0x02

typedef struct {
  int io_type;
  union {
    rsm_localmemory_handle_t handle;
    caddr_t vaddr;
  } local;
  size_t local_offset;
  size_t remote_offset;
  size_t transfer_length;
} rsm_iovec_t;

typedef struct {
  rsm_node_id_t local_nodeid;
  ulong_t io_request_count;  /* 1..RSM_MAX_SGIOREQS */
  ulong_t io_residual_count; /* out: entries not transferred */
  uint_t flags; /* RSM_IMPLICIT_SIGPOST, RSM_SIGPOST_NO_ACCUMULATE */
  rsm_memseg_import_handle_t remote_handle;
  rsm_iovec_t *iovec;
} rsm_scat_gath_t;

/* rsm_memseg_export_create flags */
#define RSM_ALLOW_REBIND 0x01
#define RSM_CREATE_SEG_DONTWAIT 0x02

/* rsm_scat_gath_t.flags and rsm_intr_signal_post flags. The two share bit
 * values on purpose: putv/getv pass their flags on to the implicit post. */
#define RSM_IMPLICIT_SIGPOST 0x01
#define RSM_SIGPOST_NO_ACCUMULATE 0x02

typedef enum {
  RSM_MAP_NONE = 0x0,
  RSM_MAP_FIXED = 0x1,
  RSM_MAP_RESERVED = 0x2
} rsm_attribute_t;

/* ---- Interconnect topology -------------------------------------------
 * rsm_get_interconnect_topology returns one contiguous buffer: the header,
 * local_cntlr_count pointers, then for each controller its connections
 * header followed by remote_cntlr_count remote-controller records. Use a
 * connection only while its state is RSM_CONNECTION_ACTIVE. */

#define RSM_CONNECTION_ACTIVE 3

typedef struct rsm_topology_hdr {
  rsm_node_id_t local_nodeid;
  uint_t local_cntlr_count;
} rsm_topology_hdr_t;

typedef struct rsm_connections_hdr {
  char cntlr_name[RSM_MAXNAMELEN]; /* <type><unit>, e.g. "dpdk0" */
  rsm_addr_t local_hwaddr;
  int remote_cntlr_count;
} rsm_connections_hdr_t;

typedef struct rsm_remote_cntlr {
  rsm_node_id_t remote_nodeid;
  char remote_cntlrname[RSM_MAXNAMELEN];
  rsm_addr_t remote_hwaddr;
  uint_t connection_state;
} rsm_remote_cntlr_t;

typedef struct rsm_connection {
  rsm_connections_hdr_t hdr;
  rsm_remote_cntlr_t remote_cntlr[1]; /* remote_cntlr_count entries */
} rsm_connections_t;

typedef struct rsm_topology {
  rsm_topology_hdr_t topology_hdr;
  rsm_connections_t *connections[1]; /* local_cntlr_count entries */
} rsm_topology_t;

/* ---- Controllers and topology ----------------------------------------- */

int rsm_get_controller(char *name, rsmapi_controller_handle_t *controller);
int rsm_get_controller_attr(rsmapi_controller_handle_t chdl,
                            rsmapi_controller_attr_t *attr);
int rsm_release_controller(rsmapi_controller_handle_t controller);
int rsm_get_interconnect_topology(rsm_topology_t **);
void rsm_free_interconnect_topology(rsm_topology_t *);
int rsm_get_segmentid_range(const char *, rsm_memseg_id_t *, uint32_t *);

/* ---- Export side ------------------------------------------------------ */

int rsm_memseg_export_create(rsmapi_controller_handle_t controller,
                             rsm_memseg_export_handle_t *memseg, void *vaddr,
                             size_t size, uint_t flags);
int rsm_memseg_export_destroy(rsm_memseg_export_handle_t memseg);
int rsm_memseg_export_rebind(rsm_memseg_export_handle_t memseg, void *vaddr,
                             offset_t off, size_t size);
int rsm_memseg_export_publish(rsm_memseg_export_handle_t memseg,
                              rsm_memseg_id_t *segment_id,
                              rsmapi_access_entry_t access_list[],
                              uint_t access_list_length);
int rsm_memseg_export_unpublish(rsm_memseg_export_handle_t memseg);
int rsm_memseg_export_republish(rsm_memseg_export_handle_t memseg,
                                rsmapi_access_entry_t access_list[],
                                uint_t access_list_length);

/* ---- Import side: connection and mapping ------------------------------ */

int rsm_memseg_import_connect(rsmapi_controller_handle_t controller,
                              rsm_node_id_t node_id, rsm_memseg_id_t segment_id,
                              rsm_permission_t perm,
                              rsm_memseg_import_handle_t *im_memseg);
int rsm_memseg_import_disconnect(rsm_memseg_import_handle_t im_memseg);
int rsm_memseg_import_map(rsm_memseg_import_handle_t im_memseg, void **address,
                          rsm_attribute_t attr, rsm_permission_t perm,
                          off_t offset, size_t length);
int rsm_memseg_import_unmap(rsm_memseg_import_handle_t im_memseg);

/* ---- Import side: data movement --------------------------------------- */

int rsm_memseg_import_get8(rsm_memseg_import_handle_t im_memseg, off_t offset,
                           uint8_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_get16(rsm_memseg_import_handle_t im_memseg, off_t offset,
                            uint16_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_get32(rsm_memseg_import_handle_t im_memseg, off_t offset,
                            uint32_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_get64(rsm_memseg_import_handle_t im_memseg, off_t offset,
                            uint64_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_get(rsm_memseg_import_handle_t im_memseg, off_t offset,
                          void *dst_addr, size_t length);
int rsm_memseg_import_getv(rsm_scat_gath_t *);

int rsm_memseg_import_put8(rsm_memseg_import_handle_t im_memseg, off_t offset,
                           uint8_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put16(rsm_memseg_import_handle_t im_memseg, off_t offset,
                            uint16_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put32(rsm_memseg_import_handle_t im_memseg, off_t offset,
                            uint32_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put64(rsm_memseg_import_handle_t im_memseg, off_t offset,
                            uint64_t *datap, ulong_t rep_cnt);
int rsm_memseg_import_put(rsm_memseg_import_handle_t im_memseg, off_t offset,
                          void *src_addr, size_t length);
int rsm_memseg_import_putv(rsm_scat_gath_t *);

/* ---- Import side: barriers -------------------------------------------- */

int rsm_memseg_import_init_barrier(rsm_memseg_import_handle_t im_memseg,
                                   rsm_barrier_type_t type,
                                   rsmapi_barrier_t *barrier);
int rsm_memseg_import_open_barrier(rsmapi_barrier_t *barrier);
int rsm_memseg_import_close_barrier(rsmapi_barrier_t *barrier);
int rsm_memseg_import_order_barrier(rsmapi_barrier_t *barrier);
int rsm_memseg_import_destroy_barrier(rsmapi_barrier_t *barrier);
int rsm_memseg_import_get_mode(rsm_memseg_import_handle_t im_memseg,
                               rsm_barrier_mode_t *mode);
int rsm_memseg_import_set_mode(rsm_memseg_import_handle_t im_memseg,
                               rsm_barrier_mode_t mode);

/* ---- Local memory handles (for putv/getv) ----------------------------- */

int rsm_create_localmemory_handle(rsmapi_controller_handle_t,
                                  rsm_localmemory_handle_t *, caddr_t, size_t);
int rsm_free_localmemory_handle(rsmapi_controller_handle_t,
                                rsm_localmemory_handle_t);

/* ---- Events ------------------------------------------------------------ */

int rsm_intr_signal_post(void *im_memseg, uint_t flags);
int rsm_intr_signal_wait(void *im_memseg, int timeout);
int rsm_memseg_get_pollfd(void *, struct pollfd *);
int rsm_memseg_release_pollfd(void *);
int rsm_intr_signal_wait_pollfd(struct pollfd[], nfds_t, int, int *);

#ifdef __cplusplus
}
#endif

#endif /* RSM_RSMAPI_H_ */
