// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_ENGINE_MESSAGE_SINK_H_
#define RSM_TRANSPORT_ENGINE_MESSAGE_SINK_H_

#include <cstdint>

#include "absl/types/span.h"
#include "transport/result.h"
#include "transport/wire/frame.h"

namespace rsm::transport {

// The layer above the sessions: receives each peer's messages exactly once,
// in the order they were sent, on the engine thread.
class MessageSink {
 public:
  virtual ~MessageSink() = default;

  // `first` is the header of the message's first frame (type, segment,
  // offset, aux); `payload` is the whole message, valid during the call.
  virtual void OnMessage(uint32_t peer, const wire::FrameHeader& first,
                         absl::Span<const uint8_t> payload) = 0;

  // The session with `peer` ended: it was declared unreachable
  // (kPeerUnreachable), came back as a new incarnation (kPeerRestarted), or
  // this engine stopped (kEngineStopped, once per peer). Whatever the layer
  // above was waiting for from that peer will not come. Engine thread; may
  // be called more than once for one loss.
  virtual void OnPeerLost(uint32_t /*peer*/, Result /*why*/) {}

  // Once per engine iteration, on the engine thread: work the sink deferred,
  // such as replies that found no free frame when their request arrived.
  // True if it did anything.
  virtual bool Poll() { return false; }
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_MESSAGE_SINK_H_
