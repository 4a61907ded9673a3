// SPDX-License-Identifier: BSD-3-Clause
// The `loopback` controller (Solaris's, rsm_get_controller(3RSM) on
// "loopback"): imports of segments this process exports, done with local copies
// and no frames. The same ExportTable decides connects and checks every access
// as on a DPDK controller; a mutex replaces the engine thread as its owner, and
// is held across each copy so an unpublish or rebind cannot pull the memory
// from under it.
#ifndef RSM_LOOPBACK_LOOPBACK_BACKEND_H_
#define RSM_LOOPBACK_LOOPBACK_BACKEND_H_

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "transport/segments/segment_backend.h"

namespace rsm::loopback {

class LoopbackBackend : public transport::SegmentBackend {
 public:
  explicit LoopbackBackend(uint32_t local_node) : local_node_(local_node) {}

  uint32_t local_node() const override { return local_node_; }
  transport::Result Publish(uint32_t* id, uint8_t* memory, uint64_t length,
                            transport::ExportAccess access,
                            transport::EventCounter* events) override;
  transport::Result Unpublish(uint32_t id) override;
  transport::Result Republish(uint32_t id,
                              std::vector<transport::AccessEntry> acl) override;
  transport::Result Rebind(uint32_t id, uint8_t* memory) override;
  transport::Result Connect(transport::ImportConnection& connection,
                            const transport::ConnectRequest& request) override;
  void Disconnect(transport::ImportConnection& connection) override;
  transport::Result Put(transport::ImportConnection& connection,
                        uint64_t offset,
                        absl::Span<const uint8_t> data) override;
  transport::Result Get(transport::ImportConnection& connection,
                        uint64_t offset, absl::Span<uint8_t> into) override;
  transport::Result PostToImporters(uint32_t id, bool accumulate) override;
  transport::Result PutWithoutWaiting(transport::ImportConnection& connection,
                                      uint64_t offset,
                                      absl::Span<const uint8_t> data) override;
  transport::Result Barrier(transport::ImportConnection& connection) override;
  transport::Result PostToExporter(transport::ImportConnection& connection,
                                   bool accumulate) override;
  std::optional<transport::ExportTable::View> LocalMemory(
      const transport::ImportConnection& connection) override;

 private:
  const uint32_t local_node_;
  absl::Mutex mutex_;
  transport::ExportTable table_ ABSL_GUARDED_BY(mutex_);
  // Token -> connection, so an unpublish can end them.
  absl::flat_hash_map<uint32_t, transport::ImportConnection*> connections_
      ABSL_GUARDED_BY(mutex_);
  uint32_t next_token_ ABSL_GUARDED_BY(mutex_) = 1;
};

}  // namespace rsm::loopback

#endif  // RSM_LOOPBACK_LOOPBACK_BACKEND_H_
