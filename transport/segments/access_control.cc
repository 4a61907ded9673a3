// SPDX-License-Identifier: BSD-3-Clause
#include "transport/segments/access_control.h"

#include <cstdint>
#include <vector>

#include "absl/algorithm/container.h"

namespace rsm::transport {
namespace {

// How far the importer's class digit sits right of the owner digit: shifting
// eff left by this much brings that digit into the owner position, where the
// request's bits are.
constexpr int kOwnerShift = 0;
constexpr int kGroupShift = 3;
constexpr int kOtherShift = 6;

// Solaris's groupmember(): the effective gid first, then the supplementary
// groups.
bool IsGroupMember(const Importer& importer, uint32_t gid) {
  return importer.gid == gid || absl::c_linear_search(importer.groups, gid);
}

int ClassShift(const ExportAccess& exported, const Importer& importer) {
  if (importer.uid == exported.owner_uid) return kOwnerShift;
  if (IsGroupMember(importer, exported.owner_gid)) return kGroupShift;
  return kOtherShift;
}

}  // namespace

absl::string_view AccessDecisionName(AccessDecision decision) {
  switch (decision) {
    case AccessDecision::kGranted:
      return "GRANTED";
    case AccessDecision::kNotPublishedToNode:
      return "NOT_PUBLISHED_TO_NODE";
    case AccessDecision::kPermissionDenied:
      return "PERMISSION_DENIED";
  }
  return "UNKNOWN";
}

AccessResult DecideAccess(const ExportAccess& exported,
                          const Importer& importer, uint32_t requested) {
  requested &= kPermReadWrite;

  uint32_t node_mode;
  if (exported.acl.empty()) {
    node_mode = kAccessTrusted & exported.creator_mode;
  } else {
    // First match, as Solaris searched: a later duplicate never applies.
    auto entry = absl::c_find_if(exported.acl, [&](const AccessEntry& e) {
      return e.node == importer.node;
    });
    if (entry == exported.acl.end()) {
      return {AccessDecision::kNotPublishedToNode, 0};
    }
    node_mode = kAccessTrusted & entry->permission;
  }

  uint32_t access = 0;
  if (requested & kPermRead) access |= kAccessRead;
  if (requested & kPermWrite) access |= kAccessWrite;
  const uint32_t eff = access & node_mode;

  const uint32_t missing = requested & ~(eff << ClassShift(exported, importer));
  if (missing != 0) return {AccessDecision::kPermissionDenied, 0};
  return {AccessDecision::kGranted, eff};
}

bool IsValidAcl(const std::vector<AccessEntry>& acl, bool loopback,
                uint32_t local_node) {
  if (acl.size() > kMaxAclEntries) return false;
  if (loopback && acl.size() > 1) return false;
  return absl::c_all_of(acl, [&](const AccessEntry& e) {
    // The permission is compared as a number, not as a set of bits: that is
    // what Solaris did, and a list it accepted must be accepted here.
    return e.node <= kMaxAclNode && (!loopback || e.node == local_node) &&
           e.permission <= kAccessTrusted;
  });
}

DataRights DataRightsFromGrantedMode(uint32_t granted_mode) {
  return {(granted_mode & kPermRead) != 0, (granted_mode & kPermWrite) != 0};
}

}  // namespace rsm::transport
