#ifndef RSM_TRANSPORT_ENGINE_MESSAGE_SINK_H_
#define RSM_TRANSPORT_ENGINE_MESSAGE_SINK_H_

#include <cstdint>

#include "absl/types/span.h"
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
};

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_MESSAGE_SINK_H_
