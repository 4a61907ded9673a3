#include "transport/engine/transport_result.h"

namespace rsm::transport {

const char* TransportResultName(TransportResult result) {
  switch (result) {
    case TransportResult::kOk:
      return "ok";
    case TransportResult::kPeerUnreachable:
      return "peer unreachable";
    case TransportResult::kPeerRestarted:
      return "peer restarted";
    case TransportResult::kEngineStopped:
      return "engine stopped";
    case TransportResult::kNoResources:
      return "no resources";
    case TransportResult::kInvalid:
      return "invalid request";
  }
  return "?";
}

}  // namespace rsm::transport
