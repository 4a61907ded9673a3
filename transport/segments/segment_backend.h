// SPDX-License-Identifier: BSD-3-Clause
// What a controller does with segments, behind the RSMAPI's checks: the
// loopback controller copies in-process (rsm/loopback), a DPDK controller
// speaks the segment protocol through its engine (SegmentService). The
// RSMAPI layer validates every argument first and maps each Result to its
// return code (rsm/core/result_codes.cc). Nothing here needs an engine, so
// the loopback controller links none.
#ifndef RSM_TRANSPORT_SEGMENTS_SEGMENT_BACKEND_H_
#define RSM_TRANSPORT_SEGMENTS_SEGMENT_BACKEND_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "transport/result.h"
#include "transport/segments/access_control.h"
#include "transport/segments/event_counter.h"
#include "transport/segments/export_table.h"
#include "transport/segments/import_connection.h"
#include "transport/segments/segment_messages.h"

namespace rsm::transport {

// A controller's traffic since it was opened, read at one moment.
struct TrafficSnapshot {
  uint64_t frames_out = 0;  // retransmissions included
  uint64_t frames_in = 0;
  uint64_t bytes_out = 0;
  uint64_t bytes_in = 0;
  uint64_t retransmits = 0;
  uint64_t frames_dropped = 0;  // received frames refused, any reason
  uint64_t puts_applied = 0;    // PUT messages written into our segments
  uint64_t gets_served = 0;     // GET requests answered with data
  uint64_t accesses_refused = 0;
};

class SegmentBackend {
 public:
  virtual ~SegmentBackend() = default;

  // This node's id on the controller.
  virtual uint32_t local_node() const = 0;
  // Whether `node` answers on this controller right now (a session with it
  // is established).
  virtual bool PathActive(uint32_t /*node*/) { return false; }
  // All zero where no frames are sent.
  virtual TrafficSnapshot Traffic() const { return {}; }
  // For a signal waiter: drives a caller-driven engine once (kNo where a
  // thread of the backend's own serves it).
  virtual EventCounter::Drove DriveForWaiter() {
    return EventCounter::Drove::kNo;
  }
  // Stops serving for good (the engine's thread ends); later calls fail.
  virtual void Shutdown() {}
  // The same, gracefully: what is under way finishes first (acks go out,
  // peers acknowledge our last frames), and the port is stopped but kept, so
  // a later backend can start on it (the last rsm_release_controller).
  virtual void Quiesce() {}
  // Quiesce, then close the port for good (at process exit).
  virtual void Close() {}

  // Exporter side. The caller has validated ids, lengths and access lists.
  // Signals posted to the segment land in `events` (may be null).
  virtual Result Publish(uint32_t* id, uint8_t* memory, uint64_t length,
                         ExportAccess access, EventCounter* events) = 0;
  // Removes the segment and ends every connection to it.
  virtual Result Unpublish(uint32_t id) = 0;
  virtual Result Republish(uint32_t id, std::vector<AccessEntry> acl) = 0;
  virtual Result Rebind(uint32_t id, uint8_t* memory) = 0;
  // Rings every import of segment `id`; kNotPublished if it is not.
  virtual Result PostToImporters(uint32_t id, bool accumulate) = 0;

  // Importer side. `connection` names the exporter's node and the segment
  // id; on kOk it is kConnected and stays registered (so a revoke or peer
  // loss can end it) until Disconnect. It must outlive that.
  virtual Result Connect(ImportConnection& connection,
                         const ConnectRequest& request) = 0;
  // Forgets the connection and tells the exporter (best effort).
  virtual void Disconnect(ImportConnection& connection) = 0;
  // Returns once the exporter has applied every byte, or refused them: an
  // unknown connection ends it, other refusals are reported by the next
  // Barrier.
  virtual Result Put(ImportConnection& connection, uint64_t offset,
                     absl::Span<const uint8_t> data) = 0;
  virtual Result Get(ImportConnection& connection, uint64_t offset,
                     absl::Span<uint8_t> into) = 0;
  // Returns once the bytes are on their way (EXPLICIT barrier mode): the
  // next Barrier says whether they were applied.
  virtual Result PutWithoutWaiting(ImportConnection& connection,
                                   uint64_t offset,
                                   absl::Span<const uint8_t> data) = 0;
  // Returns once every access sent on `connection` before it has reached
  // the exporter: kOk if all were applied, kBarrierFailed if the exporter
  // refused one since the previous barrier.
  virtual Result Barrier(ImportConnection& connection) = 0;
  // Rings the exporter's segment; returns once the exporter has it.
  virtual Result PostToExporter(ImportConnection& connection,
                                bool accumulate) = 0;

  // The exporter's memory behind a connection, when this process can reach
  // it with loads and stores (rsm_memseg_import_map): the segment is
  // exported by this very process. nullopt otherwise.
  virtual std::optional<ExportTable::View> LocalMemory(
      const ImportConnection& connection) = 0;
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_SEGMENTS_SEGMENT_BACKEND_H_
