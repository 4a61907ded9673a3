#ifndef RSM_TRANSPORT_ENGINE_TRANSPORT_RESULT_H_
#define RSM_TRANSPORT_ENGINE_TRANSPORT_RESULT_H_

#include <cstdint>

namespace rsm::transport {

// How a request ends, as its Completion reports it. The layer above maps
// these to RSMAPI codes; the transport knows nothing of those.
enum class TransportResult : int32_t {
  kOk = 0,
  kPeerUnreachable,  // the peer did not answer within the bound
  kPeerRestarted,    // the peer came back as a new incarnation
  kEngineStopped,    // this engine stopped before the request completed
  kNoResources,      // no mbuf or ring slot (and blocking was off or timed out)
  kInvalid,          // unknown peer, or a request the transport cannot carry
};

const char* TransportResultName(TransportResult result);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_ENGINE_TRANSPORT_RESULT_H_
