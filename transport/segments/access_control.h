// SPDX-License-Identifier: BSD-3-Clause
// Who may connect to an exported segment, and with what rights: the
// exporter's decision when a CONNECT frame arrives, and the check an access
// list must pass before it is published. Pure functions of what the exporter
// recorded and what the frame carries, so every case can be tested without an
// engine; the engine calls them, and the RSMAPI layer turns the results into
// return codes (the transport knows none).
//
// The rules are Solaris's (illumos usr/src/uts/common/io/rsm/rsm.c), followed
// literally, quirks included, because a program written for Solaris must see
// the same grants and refusals (rsm_memseg_export_create(3RSM),
// rsm_memseg_export_publish(3RSM) on access lists,
// rsm_memseg_export_publish(3RSM) on segment ids). Solaris split the check in
// two: the exporter's kernel matched the importing node against the list
// (rsmsegacl_validate) and sent back the node's mode and its own uid/gid; the
// importer's kernel then checked its process's credentials (rsm_access). Here
// the CONNECT frame carries the importer's credentials, so the exporter does
// both halves at once with the same arithmetic.

#ifndef RSM_TRANSPORT_SEGMENTS_ACCESS_CONTROL_H_
#define RSM_TRANSPORT_SEGMENTS_ACCESS_CONTROL_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

namespace rsm::transport {

// Permission bits, octal, laid out like a file mode (owner/group/other
// digits; 4 = read, 2 = write). An importer asks with the owner digit only:
// kPermRead and kPermWrite are RSM_PERM_READ and RSM_PERM_WRITE.
inline constexpr uint32_t kPermRead = 0400;
inline constexpr uint32_t kPermWrite = 0200;
inline constexpr uint32_t kPermReadWrite = kPermRead | kPermWrite;
// The same right in all three digits (Solaris's kernel-private
// RSM_ACCESS_READ/WRITE/TRUSTED). A request is spread over every digit and
// then masked by the node's mode, so whichever digit applies to the importer
// can be read off the result. kAccessTrusted is also the largest permission
// an access-list entry may carry.
inline constexpr uint32_t kAccessRead = 0444;
inline constexpr uint32_t kAccessWrite = 0222;
inline constexpr uint32_t kAccessTrusted = 0666;

// Limits on a published access list (Solaris's MAX_NODES, rsmacl_build).
inline constexpr size_t kMaxAclEntries = 64;
inline constexpr uint32_t kMaxAclNode = 64;  // inclusive, as Solaris checked

// One entry of an access list: a node and its mode, e.g. 0624 (man page
// rsm_memseg_export_publish: same uid read+write, same gid write, others read).
struct AccessEntry {
  uint32_t node;
  uint32_t permission;
};

// What the exporter recorded at export-create and (re)publish time.
struct ExportAccess {
  // Empty means no list: every node may connect, with creator_mode.
  std::vector<AccessEntry> acl;
  // 0777 & ~umask of the creating process: its file-creation mode.
  uint32_t creator_mode;
  // Of the creating process; the importer's class (owner, group, other) is
  // decided against these.
  uint32_t owner_uid;
  uint32_t owner_gid;
};

// Who asks, as the CONNECT frame carries it: the importing node and the
// effective credentials of the importing process (Solaris used the
// credential's effective uid, gid and supplementary groups).
struct Importer {
  uint32_t node;
  uint32_t uid;
  uint32_t gid;
  std::vector<uint32_t> groups;  // supplementary
};

enum class AccessDecision {
  kGranted,
  // The segment has an access list and the importing node is not on it
  // (RSMERR_SEG_NOT_PUBLISHED_TO_NODE above).
  kNotPublishedToNode,
  // The node may connect, but the importer's class lacks a requested right
  // (RSMERR_PERM_DENIED above).
  kPermissionDenied,
};

// "GRANTED", "NOT_PUBLISHED_TO_NODE", "PERMISSION_DENIED".
absl::string_view AccessDecisionName(AccessDecision decision);

struct AccessResult {
  AccessDecision decision;
  // On kGranted, the mode the connection keeps (Solaris's import s_mode):
  // the request spread over all three digits, masked by the node's mode.
  // DataRightsFromGrantedMode reads the data-path rights from it. 0 when
  // refused.
  uint32_t granted_mode;

  friend bool operator==(const AccessResult& a, const AccessResult& b) {
    return a.decision == b.decision && a.granted_mode == b.granted_mode;
  }
  friend bool operator!=(const AccessResult& a, const AccessResult& b) {
    return !(a == b);
  }
};

// The decision for a CONNECT, step by step as Solaris made it:
//  1. Node mode. With an access list, the first entry naming importer.node
//     (Solaris searched the list in order and stopped at the first match, so
//     of duplicate entries for a node the first wins); no such entry ->
//     kNotPublishedToNode. Node mode = 0666 & entry permission. With no list,
//     every node may connect and node mode = 0666 & creator_mode.
//  2. access = 0444 if read is requested | 0222 if write is requested;
//     eff = access & node mode.
//  3. The importer's class: owner if importer.uid == owner_uid; else group if
//     owner_gid is importer.gid or one of importer.groups; else other. Only
//     that one digit counts, as for files: an owner is not helped by the group
//     or other digit.
//  4. Every requested bit must be in that class's digit of eff (eff shifted
//     left by 0, 3 or 6 and compared with the owner digit), else
//     kPermissionDenied. Otherwise kGranted with granted_mode = eff.
// Requesting nothing (RSM_PERM_NONE) is granted with mode 0 to any node the
// segment is published to, as in Solaris.
//
// Privileges are not modelled. Solaris let a process without the class's
// rights through when it held PRIV_IPC_DAC_READ (for read) or
// PRIV_IPC_DAC_WRITE (for write), which root holds by default; here uid 0 is
// an ordinary uid, so root is refused what its class does not grant.
//
// The access list is the one in force when the CONNECT arrives: a republish
// changes what later connects get, never an existing connection.
//
// `requested` holds kPermRead and/or kPermWrite; callers reject other bits
// first (RSMERR_PERM_DENIED in librsm), and any left are ignored here as
// Solaris's check ignored them.
AccessResult DecideAccess(const ExportAccess& exported,
                          const Importer& importer, uint32_t requested);

// Whether an access list may be published or republished (Solaris's
// rsmacl_build): at most kMaxAclEntries entries; every node id <=
// kMaxAclNode; every permission <= kAccessTrusted as a number (so 0577
// passes and means 0466 once masked, while 0667 fails); on the loopback
// controller at most one entry, naming local_node. An empty list is always
// valid. Duplicate nodes are allowed (the first one decides, see
// DecideAccess). False means RSMERR_BAD_ACL above.
bool IsValidAcl(const std::vector<AccessEntry>& acl, bool loopback,
                uint32_t local_node);

// What the data path of a granted connection may do.
struct DataRights {
  bool get;  // read the segment
  bool put;  // write the segment
};

// The rights a connection's granted mode gives its mappings, as Solaris
// derived them (rsm_segmap / rsm_devmap): read iff granted_mode has 0400,
// write iff it has 0200 -- the OWNER digit, whatever the importer's class.
//
// For an owner this is exactly what the connect granted. For a group member
// or other it is the request masked by the owner digit of the node mode,
// which can be less than the connect granted: with node mode 0060 a group
// member connects read+write (eff 0060) and then may do neither (the quirk
// of reference §7.1 step 5). It is never more than was requested.
//
// How Solaris applied it (librsm, for the RSMAPI layer to decide on):
// rsm_memseg_import_map(perm) fails with RSMERR_BAD_PERMS when perm asks a
// right missing here. put/get on an import that is not mapped first map the
// whole segment implicitly (the generic and loopback plugins need a mapping
// for put/get), and that implicit mapping always asks for read AND write, so
// without an explicit map any put or get fails with RSMERR_BAD_PERMS unless
// both rights are set -- a get on a read-only connection included.
DataRights DataRightsFromGrantedMode(uint32_t granted_mode);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_SEGMENTS_ACCESS_CONTROL_H_
