// What a controller does with segments, behind the RSMAPI's checks: the
// loopback controller copies in-process (rsm/loopback), a DPDK controller
// speaks the segment protocol through its engine (engine_backend.h). The
// RSMAPI layer validates every argument first and maps the results to
// return codes (result_codes.h).
#ifndef RSM_CORE_SEGMENT_BACKEND_H_
#define RSM_CORE_SEGMENT_BACKEND_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/types/span.h"
#include "rsm/rsm_dpdk.h"
#include "transport/segments/access_control.h"
#include "transport/segments/export_table.h"
#include "transport/segments/import_connection.h"
#include "transport/segments/segment_messages.h"
#include "transport/segments/segment_result.h"

namespace rsm::core {

class SegmentBackend {
 public:
  using SegmentResult = transport::SegmentResult;

  virtual ~SegmentBackend() = default;

  // This node's id on the controller.
  virtual uint32_t local_node() const = 0;
  // Whether `node` answers on this controller right now (a session with it
  // is established).
  virtual bool PathActive(uint32_t /*node*/) { return false; }
  // Traffic so far; all zero where no frames are sent.
  virtual rsm_dpdk_counters_t Counters() const { return {}; }
  // Stops serving for good (the engine's thread ends); later calls fail.
  virtual void Shutdown() {}
  // The same at process exit, gracefully: what is under way finishes first
  // (acks go out, peers acknowledge our last frames), and the port closes.
  virtual void Close() {}

  // Exporter side.
  // Signals posted to the segment land in `events`.
  virtual SegmentResult Publish(uint32_t* id, uint8_t* memory, uint64_t length,
                                transport::ExportAccess access,
                                transport::EventCounter* events) = 0;
  // Ends every connection to the segment.
  virtual SegmentResult Unpublish(uint32_t id) = 0;
  virtual SegmentResult Republish(uint32_t id,
                                  std::vector<transport::AccessEntry> acl) = 0;
  virtual SegmentResult Rebind(uint32_t id, uint8_t* memory) = 0;
  // Rings every import of segment `id`.
  virtual SegmentResult PostToImporters(uint32_t id, bool accumulate) = 0;

  // Importer side: see transport::SegmentService for the contract.
  virtual SegmentResult Connect(transport::ImportConnection& connection,
                                const transport::ConnectRequest& request) = 0;
  virtual void Disconnect(transport::ImportConnection& connection) = 0;
  virtual SegmentResult Put(transport::ImportConnection& connection,
                            uint64_t offset,
                            absl::Span<const uint8_t> data) = 0;
  virtual SegmentResult Get(transport::ImportConnection& connection,
                            uint64_t offset, absl::Span<uint8_t> into) = 0;
  virtual SegmentResult PutWithoutWaiting(
      transport::ImportConnection& connection, uint64_t offset,
      absl::Span<const uint8_t> data) = 0;
  virtual SegmentResult Barrier(transport::ImportConnection& connection) = 0;
  virtual SegmentResult PostToExporter(transport::ImportConnection& connection,
                                       bool accumulate) = 0;

  // The exporter's memory behind a connection, when this process can reach
  // it with loads and stores (rsm_memseg_import_map): the segment is
  // exported by this very process. nullopt otherwise.
  virtual std::optional<transport::ExportTable::View> LocalMemory(
      const transport::ImportConnection& connection) = 0;
};

}  // namespace rsm::core

#endif  // RSM_CORE_SEGMENT_BACKEND_H_
