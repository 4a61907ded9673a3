// SPDX-License-Identifier: BSD-3-Clause
// The exporter's table on its own: id assignment, who may connect (through
// DecideAccess), and which bytes an access may touch, with the offsets and
// lengths a hostile frame could carry.
#include "transport/segments/export_table.h"

#include <algorithm>
#include <cstdint>
#include <ostream>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace rsm::transport {

// Found by gtest through ADL: failures name the result.
void PrintTo(Result result, std::ostream* os) { *os << ResultName(result); }

namespace {

constexpr uint32_t kOwnerUid = 100;
constexpr uint32_t kOwnerGid = 200;

ExportAccess OpenAccess() {
  return {/*acl=*/{}, /*creator_mode=*/0666, kOwnerUid, kOwnerGid};
}

Importer Owner(uint32_t node) { return {node, kOwnerUid, kOwnerGid, {}}; }
Importer Other(uint32_t node) { return {node, 7, 8, {9}}; }

// Keys sorted, so two lists compare regardless of hash order.
std::vector<std::pair<uint32_t, uint32_t>> Sorted(
    const std::vector<ImporterKey>& keys) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (const ImporterKey& key : keys) out.emplace_back(key.node, key.token);
  std::sort(out.begin(), out.end());
  return out;
}

TEST(ExportTable, AutomaticIdsStartAtTheBaseIncreaseAndAreNeverReused) {
  ExportTable table;
  std::vector<uint8_t> memory(64);
  std::vector<uint32_t> ids;
  for (int i = 0; i < 4; ++i) {
    uint32_t id = 0;
    ASSERT_EQ(table.Publish(&id, memory.data(), memory.size(), OpenAccess()),
              Result::kOk);
    ids.push_back(id);
  }
  EXPECT_EQ(ids[0], kFirstAutomaticSegmentId);
  for (size_t i = 1; i < ids.size(); ++i) {
    EXPECT_EQ(ids[i], ids[i - 1] + 1) << "publish " << i;
  }
  // Unpublishing frees no id for automatic reuse.
  EXPECT_TRUE(table.Unpublish(ids[3]).empty());
  EXPECT_TRUE(table.Unpublish(ids[0]).empty());
  uint32_t next = 0;
  ASSERT_EQ(table.Publish(&next, memory.data(), memory.size(), OpenAccess()),
            Result::kOk);
  EXPECT_EQ(next, ids[3] + 1);
  EXPECT_FALSE(table.Find(ids[0]).has_value());
  EXPECT_FALSE(table.Find(ids[3]).has_value());
  EXPECT_EQ(table.published(), 3u);

  // An id taken explicitly is skipped by the counter.
  uint32_t explicit_id = next + 1;
  ASSERT_EQ(
      table.Publish(&explicit_id, memory.data(), memory.size(), OpenAccess()),
      Result::kOk);
  EXPECT_EQ(explicit_id, next + 1);
  uint32_t after = 0;
  ASSERT_EQ(table.Publish(&after, memory.data(), memory.size(), OpenAccess()),
            Result::kOk);
  EXPECT_EQ(after, next + 2);
}

TEST(ExportTable, ExplicitIdInUseIsRefused) {
  ExportTable table;
  std::vector<uint8_t> a(16), b(32);
  uint32_t id = 42;
  ASSERT_EQ(table.Publish(&id, a.data(), a.size(), OpenAccess()), Result::kOk);
  EXPECT_EQ(id, 42u);
  uint32_t again = 42;
  EXPECT_EQ(table.Publish(&again, b.data(), b.size(), OpenAccess()),
            Result::kIdInUse);
  // The first segment is unchanged.
  ASSERT_TRUE(table.Find(42).has_value());
  EXPECT_EQ(table.Find(42)->memory, a.data());
  EXPECT_EQ(table.Find(42)->length, a.size());
  // Once unpublished, the explicit id may be published again.
  table.Unpublish(42);
  EXPECT_EQ(table.Publish(&again, b.data(), b.size(), OpenAccess()),
            Result::kOk);
  EXPECT_EQ(table.Find(42)->memory, b.data());
}

TEST(ExportTable, UnpublishReturnsTheConnectionsAndForgetsTheSegment) {
  ExportTable table;
  std::vector<uint8_t> memory(128);
  uint32_t id = 7;
  ASSERT_EQ(table.Publish(&id, memory.data(), memory.size(), OpenAccess()),
            Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(1), 11, kPermReadWrite).result,
            Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(2), 11, kPermRead).result, Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(2), 12, kPermWrite).result, Result::kOk);
  EXPECT_EQ(table.importers(id), 3u);

  const std::vector<ImporterKey> gone = table.Unpublish(id);
  EXPECT_EQ(Sorted(gone), (std::vector<std::pair<uint32_t, uint32_t>>{
                              {1, 11}, {2, 11}, {2, 12}}));
  EXPECT_FALSE(table.Find(id).has_value());
  EXPECT_EQ(table.importers(id), 0u);
  EXPECT_EQ(table.published(), 0u);
  // Its connections are gone with it.
  EXPECT_EQ(table.CheckAccess(id, {1, 11}, false, 0, 1).result,
            Result::kNotConnected);
  // A second unpublish, or one of an id never published: nothing.
  EXPECT_TRUE(table.Unpublish(id).empty());
  EXPECT_TRUE(table.Unpublish(12345).empty());
}

TEST(ExportTable, ConnectDecidesThroughTheAccessRules) {
  ExportTable table;
  std::vector<uint8_t> memory(4096);
  // Node 1 may read and write as owner, group read; node 2 is not listed.
  uint32_t id = 1;
  ASSERT_EQ(table.Publish(&id, memory.data(), memory.size(),
                          {{{1, 0640}, {3, 0600}}, 0, kOwnerUid, kOwnerGid}),
            Result::kOk);

  const ExportTable::Connected granted =
      table.Connect(id, Owner(1), 5, kPermReadWrite);
  EXPECT_EQ(granted.result, Result::kOk);
  EXPECT_EQ(granted.granted_mode, 0640u);  // 0666 & 0640
  EXPECT_EQ(granted.length, 4096u);

  const ExportTable::Connected not_listed =
      table.Connect(id, Owner(2), 6, kPermRead);
  EXPECT_EQ(not_listed.result, Result::kNotPublishedToNode);
  EXPECT_EQ(not_listed.granted_mode, 0u);
  EXPECT_EQ(not_listed.length, 0u);

  // Node 1, class other: its digit is 0.
  const ExportTable::Connected denied =
      table.Connect(id, Other(1), 7, kPermRead);
  EXPECT_EQ(denied.result, Result::kPermissionDenied);
  EXPECT_EQ(denied.granted_mode, 0u);
  EXPECT_EQ(denied.length, 0u);

  const ExportTable::Connected unknown =
      table.Connect(id + 1, Owner(1), 8, kPermRead);
  EXPECT_EQ(unknown.result, Result::kNotPublished);
  EXPECT_EQ(unknown.length, 0u);

  // Only the granted connect is recorded.
  EXPECT_EQ(table.importers(id), 1u);
  EXPECT_EQ(table.CheckAccess(id, {1, 5}, true, 0, 1).result, Result::kOk);
  EXPECT_EQ(table.CheckAccess(id, {2, 6}, false, 0, 1).result,
            Result::kNotConnected);
  EXPECT_EQ(table.CheckAccess(id, {1, 7}, false, 0, 1).result,
            Result::kNotConnected);
}

TEST(ExportTable, CheckAccessRefusesUnknownConnectionsAndMissingRights) {
  ExportTable table;
  std::vector<uint8_t> memory(100);
  uint32_t id = 3;
  ASSERT_EQ(table.Publish(&id, memory.data(), memory.size(), OpenAccess()),
            Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(1), 1, kPermRead).result, Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(1), 2, kPermWrite).result, Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(1), 3, 0).result, Result::kOk);

  // Unknown token, unknown node, unknown segment.
  EXPECT_EQ(table.CheckAccess(id, {1, 99}, false, 0, 1).result,
            Result::kNotConnected);
  EXPECT_EQ(table.CheckAccess(id, {2, 1}, false, 0, 1).result,
            Result::kNotConnected);
  EXPECT_EQ(table.CheckAccess(id + 1, {1, 1}, false, 0, 1).result,
            Result::kNotConnected);

  // Read-only connection.
  EXPECT_EQ(table.CheckAccess(id, {1, 1}, false, 0, 1).result, Result::kOk);
  EXPECT_EQ(table.CheckAccess(id, {1, 1}, true, 0, 1).result,
            Result::kPermissionDenied);
  EXPECT_EQ(table.CheckAccess(id, {1, 1}, true, 0, 1).where, nullptr);
  // Write-only connection.
  EXPECT_EQ(table.CheckAccess(id, {1, 2}, true, 0, 1).result, Result::kOk);
  EXPECT_EQ(table.CheckAccess(id, {1, 2}, false, 0, 1).result,
            Result::kPermissionDenied);
  // A connection that asked for nothing may do nothing.
  EXPECT_EQ(table.CheckAccess(id, {1, 3}, false, 0, 1).result,
            Result::kPermissionDenied);
  EXPECT_EQ(table.CheckAccess(id, {1, 3}, true, 0, 1).result,
            Result::kPermissionDenied);
}

TEST(ExportTable, CheckAccessBounds) {
  ExportTable table;
  constexpr uint64_t kLength = 1000;
  std::vector<uint8_t> memory(kLength);
  uint32_t id = 4;
  ASSERT_EQ(table.Publish(&id, memory.data(), kLength, OpenAccess()),
            Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(1), 1, kPermReadWrite).result, Result::kOk);

  struct Case {
    uint64_t offset, length;
    bool ok;
  };
  const Case cases[] = {
      {0, 0, true},
      {0, kLength, true},            // the whole segment
      {kLength - 1, 1, true},        // last byte
      {kLength, 0, true},            // zero length exactly at the end
      {123, kLength - 123, true},    // exactly up to the end
      {123, kLength - 122, false},   // one past the end
      {0, kLength + 1, false},       // longer than the segment
      {kLength, 1, false},           // starts at the end
      {kLength + 1, 0, false},       // offset > length, even with 0 bytes
      {UINT64_MAX, 0, false},        // offset near 2^64
      {UINT64_MAX, 1, false},        // offset + length wraps to 0
      {UINT64_MAX - 10, 20, false},  // wraps to 9, inside if summed
      {1, UINT64_MAX, false},        // length wraps offset + length to 0
      {10, UINT64_MAX - 5, false},   // sum wraps to 4
      {0, UINT64_MAX, false},
      {kLength / 2, UINT64_MAX - kLength / 2 + 1, false},  // sum wraps to 0
  };
  for (const Case& c : cases) {
    for (bool write : {false, true}) {
      const ExportTable::Access access =
          table.CheckAccess(id, {1, 1}, write, c.offset, c.length);
      if (c.ok) {
        EXPECT_EQ(access.result, Result::kOk)
            << "offset " << c.offset << " length " << c.length;
        EXPECT_EQ(access.where, memory.data() + c.offset)
            << "offset " << c.offset << " length " << c.length;
      } else {
        EXPECT_EQ(access.result, Result::kOutOfBounds)
            << "offset " << c.offset << " length " << c.length;
        EXPECT_EQ(access.where, nullptr);
      }
    }
  }
}

TEST(ExportTable, RepublishChangesNewConnectsOnly) {
  ExportTable table;
  std::vector<uint8_t> memory(64);
  uint32_t id = 5;
  ASSERT_EQ(table.Publish(&id, memory.data(), memory.size(),
                          {{{1, 0666}}, 0, kOwnerUid, kOwnerGid}),
            Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(1), 1, kPermReadWrite).result, Result::kOk);

  // Node 1 is dropped from the list, node 2 added read-only.
  ASSERT_EQ(table.Republish(id, {{2, 0400}}), Result::kOk);
  // The existing connection keeps both rights.
  EXPECT_EQ(table.CheckAccess(id, {1, 1}, true, 0, 8).result, Result::kOk);
  EXPECT_EQ(table.CheckAccess(id, {1, 1}, false, 0, 8).result, Result::kOk);
  EXPECT_EQ(table.importers(id), 1u);
  // New connects follow the new list.
  EXPECT_EQ(table.Connect(id, Owner(1), 2, kPermRead).result,
            Result::kNotPublishedToNode);
  EXPECT_EQ(table.Connect(id, Owner(2), 1, kPermWrite).result,
            Result::kPermissionDenied);
  EXPECT_EQ(table.Connect(id, Owner(2), 1, kPermRead).result, Result::kOk);
  // An empty list opens the segment to every node with the creator's mode
  // (0 here).
  ASSERT_EQ(table.Republish(id, {}), Result::kOk);
  EXPECT_EQ(table.Connect(id, Owner(3), 1, kPermRead).result,
            Result::kPermissionDenied);
  EXPECT_EQ(table.Connect(id, Owner(3), 1, 0).result, Result::kOk);

  EXPECT_EQ(table.Republish(id + 1, {}), Result::kNotPublished);
}

TEST(ExportTable, RebindMovesWhereAccessesLand) {
  ExportTable table;
  std::vector<uint8_t> first(256), second(256);
  uint32_t id = 6;
  ASSERT_EQ(table.Publish(&id, first.data(), first.size(), OpenAccess()),
            Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(1), 1, kPermReadWrite).result, Result::kOk);
  EXPECT_EQ(table.CheckAccess(id, {1, 1}, true, 10, 5).where,
            first.data() + 10);

  ASSERT_EQ(table.Rebind(id, second.data()), Result::kOk);
  EXPECT_EQ(table.CheckAccess(id, {1, 1}, true, 10, 5).where,
            second.data() + 10);
  EXPECT_EQ(table.CheckAccess(id, {1, 1}, false, 0, 256).where, second.data());
  ASSERT_TRUE(table.Find(id).has_value());
  EXPECT_EQ(table.Find(id)->memory, second.data());
  EXPECT_EQ(table.Find(id)->length, 256u);  // the length stays
  // The connection survives the rebind.
  EXPECT_EQ(table.importers(id), 1u);

  EXPECT_EQ(table.Rebind(id + 1, first.data()), Result::kNotPublished);
}

TEST(ExportTable, DisconnectNodeRemovesOnlyThatNode) {
  ExportTable table;
  std::vector<uint8_t> a(64), b(64);
  uint32_t id_a = 10, id_b = 11;
  ASSERT_EQ(table.Publish(&id_a, a.data(), a.size(), OpenAccess()),
            Result::kOk);
  ASSERT_EQ(table.Publish(&id_b, b.data(), b.size(), OpenAccess()),
            Result::kOk);
  for (uint32_t node : {1u, 2u, 3u}) {
    ASSERT_EQ(table.Connect(id_a, Owner(node), 100 + node, kPermRead).result,
              Result::kOk);
    ASSERT_EQ(table.Connect(id_b, Owner(node), 200 + node, kPermRead).result,
              Result::kOk);
  }
  // Node 2 has two connections to segment a.
  ASSERT_EQ(table.Connect(id_a, Owner(2), 300, kPermRead).result, Result::kOk);
  ASSERT_EQ(table.importers(id_a), 4u);

  table.DisconnectNode(2);
  EXPECT_EQ(table.importers(id_a), 2u);
  EXPECT_EQ(table.importers(id_b), 2u);
  EXPECT_EQ(table.CheckAccess(id_a, {2, 102}, false, 0, 1).result,
            Result::kNotConnected);
  EXPECT_EQ(table.CheckAccess(id_a, {2, 300}, false, 0, 1).result,
            Result::kNotConnected);
  EXPECT_EQ(table.CheckAccess(id_b, {2, 202}, false, 0, 1).result,
            Result::kNotConnected);
  for (uint32_t node : {1u, 3u}) {
    EXPECT_EQ(table.CheckAccess(id_a, {node, 100 + node}, false, 0, 1).result,
              Result::kOk)
        << "node " << node;
    EXPECT_EQ(table.CheckAccess(id_b, {node, 200 + node}, false, 0, 1).result,
              Result::kOk)
        << "node " << node;
  }
  // The segments themselves stay published.
  EXPECT_EQ(table.published(), 2u);

  // Disconnect removes one connection.
  table.Disconnect(id_a, {1, 101});
  EXPECT_EQ(table.importers(id_a), 1u);
  EXPECT_EQ(table.CheckAccess(id_a, {3, 103}, false, 0, 1).result, Result::kOk);
}

// A CONNECT flood from one node stops at kMaxConnectionsPerNode per
// segment; other nodes, retries and freed places are not affected.
TEST(ExportTable, ANodesConnectionsToASegmentAreCapped) {
  ExportTable table;
  std::vector<uint8_t> memory(64);
  uint32_t id = 10, other_id = 11;
  ASSERT_EQ(table.Publish(&id, memory.data(), memory.size(), OpenAccess()),
            Result::kOk);
  ASSERT_EQ(
      table.Publish(&other_id, memory.data(), memory.size(), OpenAccess()),
      Result::kOk);
  for (uint32_t token = 1; token <= kMaxConnectionsPerNode; ++token) {
    ASSERT_EQ(table.Connect(id, Owner(2), token, kPermRead).result, Result::kOk)
        << token;
  }
  const uint32_t one_more = kMaxConnectionsPerNode + 1;
  EXPECT_EQ(table.Connect(id, Owner(2), one_more, kPermRead).result,
            Result::kNoResources);
  EXPECT_EQ(table.importers(id), kMaxConnectionsPerNode);
  EXPECT_EQ(table.CheckAccess(id, {2, one_more}, false, 0, 1).result,
            Result::kNotConnected);
  // A retry of a connection it has is still decided; others still connect.
  EXPECT_EQ(table.Connect(id, Owner(2), 1, kPermRead).result, Result::kOk);
  EXPECT_EQ(table.Connect(id, Owner(3), one_more, kPermRead).result,
            Result::kOk);
  EXPECT_EQ(table.Connect(other_id, Owner(2), one_more, kPermRead).result,
            Result::kOk);
  // A disconnect frees a place; so does forgetting the node.
  table.Disconnect(id, {2, 5});
  EXPECT_EQ(table.Connect(id, Owner(2), one_more, kPermRead).result,
            Result::kOk);
  EXPECT_EQ(table.Connect(id, Owner(2), one_more + 1, kPermRead).result,
            Result::kNoResources);
  table.DisconnectNode(2);
  EXPECT_EQ(table.Connect(id, Owner(2), 1, kPermRead).result, Result::kOk);
}

TEST(ExportTable, ARepeatedConnectIsDecidedAgainAndReplacesTheRecord) {
  ExportTable table;
  std::vector<uint8_t> memory(64);
  uint32_t id = 12;
  ASSERT_EQ(table.Publish(&id, memory.data(), memory.size(), OpenAccess()),
            Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(1), 1, kPermRead).result, Result::kOk);
  ASSERT_EQ(table.Connect(id, Owner(1), 1, kPermWrite).result, Result::kOk);
  EXPECT_EQ(table.importers(id), 1u);
  EXPECT_EQ(table.CheckAccess(id, {1, 1}, true, 0, 1).result, Result::kOk);
  EXPECT_EQ(table.CheckAccess(id, {1, 1}, false, 0, 1).result,
            Result::kPermissionDenied);
}

}  // namespace
}  // namespace rsm::transport
