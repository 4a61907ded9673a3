#ifndef RSM_CORE_ENGINE_BACKEND_H_
#define RSM_CORE_ENGINE_BACKEND_H_

#include <memory>

#include "absl/status/statusor.h"
#include "rsm/core/segment_backend.h"
#include "transport/engine/engine.h"
#include "transport/engine/engine_options.h"
#include "transport/segments/segment_service.h"

namespace rsm::core {

// A DPDK controller's segments: its engine (started on a thread of its own,
// so exported segments are served while the application does other things)
// and the segment service on it.
class EngineBackend : public SegmentBackend {
 public:
  // The port named in `options` must exist and not be started.
  static absl::StatusOr<std::unique_ptr<EngineBackend>> Create(
      const transport::EngineOptions& options);
  ~EngineBackend() override;

  transport::Engine& engine() { return *engine_; }
  transport::SegmentService& service() { return service_; }

  uint32_t local_node() const override { return engine_->node_id(); }
  void Shutdown() override { engine_->Stop(); }
  void Close() override;
  bool PathActive(uint32_t node) override {
    return engine_->SessionEstablished(node);
  }
  rsm_dpdk_counters_t Counters() const override;
  SegmentResult Publish(uint32_t* id, uint8_t* memory, uint64_t length,
                        transport::ExportAccess access,
                        transport::EventCounter* events) override;
  SegmentResult Unpublish(uint32_t id) override;
  SegmentResult Republish(uint32_t id,
                          std::vector<transport::AccessEntry> acl) override;
  SegmentResult Rebind(uint32_t id, uint8_t* memory) override;
  SegmentResult Connect(transport::ImportConnection& connection,
                        const transport::ConnectRequest& request) override;
  void Disconnect(transport::ImportConnection& connection) override;
  SegmentResult Put(transport::ImportConnection& connection, uint64_t offset,
                    absl::Span<const uint8_t> data) override;
  SegmentResult Get(transport::ImportConnection& connection, uint64_t offset,
                    absl::Span<uint8_t> into) override;
  SegmentResult PostToImporters(uint32_t id, bool accumulate) override;
  SegmentResult PutWithoutWaiting(transport::ImportConnection& connection,
                                  uint64_t offset,
                                  absl::Span<const uint8_t> data) override;
  SegmentResult Barrier(transport::ImportConnection& connection) override;
  SegmentResult PostToExporter(transport::ImportConnection& connection,
                               bool accumulate) override;
  std::optional<transport::ExportTable::View> LocalMemory(
      const transport::ImportConnection& connection) override;

 private:
  EngineBackend() = default;

  // Declared first: the engine calls into it until it is destroyed.
  transport::SegmentService service_;
  std::unique_ptr<transport::Engine> engine_;
};

}  // namespace rsm::core

#endif  // RSM_CORE_ENGINE_BACKEND_H_
