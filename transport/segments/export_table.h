// SPDX-License-Identifier: BSD-3-Clause
// The segments a node has published, and who is connected to each: the
// exporter's half of the protocol's state. Not thread-safe: an engine's
// SegmentService owns one on its engine thread, the loopback controller one
// under its mutex. It never touches the memory it describes; CheckAccess
// says which bytes an access may touch, after checking the connection, the
// right and the bounds.
#ifndef RSM_TRANSPORT_SEGMENTS_EXPORT_TABLE_H_
#define RSM_TRANSPORT_SEGMENTS_EXPORT_TABLE_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/types/span.h"
#include "transport/result.h"
#include "transport/segments/access_control.h"
#include "transport/segments/event_counter.h"

namespace rsm::transport {

// Segment ids published with id 0 are assigned from here upward, never
// reused (Solaris's RSM_USER_APP_ID_BASE).
inline constexpr uint32_t kFirstAutomaticSegmentId = 0x80000000;

// The most connections one node may hold to one segment: a CONNECT flood
// from one node must not grow the exporter's state without bound. Far more
// than a program makes (one per importing handle).
inline constexpr size_t kMaxConnectionsPerNode = 4096;

// One import connection, as the exporter knows it: the importing node and
// the token that node chose for it (unique per importing engine).
struct ImporterKey {
  uint32_t node;
  uint32_t token;

  friend bool operator==(const ImporterKey& a, const ImporterKey& b) {
    return a.node == b.node && a.token == b.token;
  }
  template <typename H>
  friend H AbslHashValue(H h, const ImporterKey& key) {
    return H::combine(std::move(h), key.node, key.token);
  }
};

class ExportTable {
 public:
  // `*id` 0 asks for the next automatic id, written back. The caller has
  // validated the id range and the access list. Signals posted to the
  // segment land in `events` (may be null: then they are dropped).
  Result Publish(uint32_t* id, uint8_t* memory, uint64_t length,
                 ExportAccess access, EventCounter* events = nullptr);
  // Removes the segment; returns the connections it had, so their importers
  // can be told. Unknown id -> empty.
  std::vector<ImporterKey> Unpublish(uint32_t id);
  // New connects see the new list; existing connections keep their grant.
  Result Republish(uint32_t id, std::vector<AccessEntry> acl);
  // Accesses from now on reach `memory` (same length).
  Result Rebind(uint32_t id, uint8_t* memory);

  struct Connected {
    Result result;
    uint32_t granted_mode;  // see AccessResult::granted_mode
    uint64_t length;
  };
  // The CONNECT decision (DecideAccess); on success the connection is
  // recorded with the rights it asked for. A repeated CONNECT with the same
  // key (a retry) is decided again and replaces the record. kNoResources
  // when the node holds kMaxConnectionsPerNode to the segment already.
  Connected Connect(uint32_t id, const Importer& importer, uint32_t token,
                    uint32_t requested);
  void Disconnect(uint32_t id, ImporterKey key);
  // Forgets every connection from `node` (it restarted or is gone).
  void DisconnectNode(uint32_t node);

  // Where a put (write) or get of [offset, offset+length) by connection
  // `key` lands: the segment's memory at that offset, or why not.
  struct Access {
    Result result;
    uint8_t* where;
  };
  Access CheckAccess(uint32_t id, ImporterKey key, bool write, uint64_t offset,
                     uint64_t length) const;

  // A refused access by a known connection, reported at its next barrier.
  void NoteRefused(uint32_t id, ImporterKey key);
  // The BARRIER answer for a connection: kOk if every access since its
  // previous barrier was applied, kBarrierFailed if one was refused (the
  // record starts over), kNotConnected if the connection is unknown.
  Result CloseBarrier(uint32_t id, ImporterKey key);
  // Where signals to segment `id` land: null if not published (or none).
  EventCounter* Events(uint32_t id) const;
  bool IsConnected(uint32_t id, ImporterKey key) const;
  // The connections to `id`, for a post from the exporter.
  std::vector<ImporterKey> Importers(uint32_t id) const;

  // The published segment's memory and length; nullptr if not published.
  struct View {
    uint8_t* memory;
    uint64_t length;
  };
  std::optional<View> Find(uint32_t id) const;
  size_t published() const { return segments_.size(); }
  // Connections to `id` (0 if not published).
  size_t importers(uint32_t id) const;

 private:
  struct Connection {
    uint32_t rights;  // kPermRead | kPermWrite, as granted
    bool refused_since_barrier = false;
  };
  struct Segment {
    uint8_t* memory;
    uint64_t length;
    ExportAccess access;
    EventCounter* events;
    absl::flat_hash_map<ImporterKey, Connection> importers;
    // importers per node, for the cap.
    absl::flat_hash_map<uint32_t, size_t> per_node;
  };
  void Forget(Segment& segment, ImporterKey key);

  absl::flat_hash_map<uint32_t, Segment> segments_;
  // The next automatic id; 0 once they are used up (it wrapped).
  uint32_t next_automatic_id_ = kFirstAutomaticSegmentId;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_SEGMENTS_EXPORT_TABLE_H_
