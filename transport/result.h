// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_TRANSPORT_RESULT_H_
#define RSM_TRANSPORT_RESULT_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace rsm::transport {

// How a transport request ends, from the engine's sessions up to the segment
// protocol: the one outcome vocabulary below the RSMAPI layer, which maps
// each value to a return code per call kind (rsm/core/result_codes.cc).
enum class Result : int32_t {
  // Values a reply may carry (CONNECT_REPLY, GET_REPLY, BARRIER_ACK): fixed,
  // they are on the wire.
  kOk = 0,
  kNotPublished = 1,        // no segment with that id is published
  kNotPublishedToNode = 2,  // it is, but its access list lacks the importer
  kPermissionDenied = 3,    // the importer's class lacks a requested right
  kNotConnected = 4,        // the exporter knows no such connection
  kOutOfBounds = 5,         // offset/length outside the segment
  kMalformed = 6,           // a request the exporter could not parse
  kBarrierFailed = 7,       // an access since the last barrier was refused

  // Local outcomes, never on the wire.
  kIdInUse = 100,    // publish: the id is published already
  kIdsExhausted,     // publish: no automatic id left
  kPeerUnreachable,  // the peer did not answer within the liveness bound
  kPeerRestarted,    // the peer came back as a new incarnation
  kEngineStopped,    // this engine stopped before the request completed
  kNoResources,      // no frame or ring slot (blocking off or timed out)
  kInvalid,          // unknown peer, or a request the transport cannot carry
};

// "ok", "not published", ...: for logs and test failure messages.
absl::string_view ResultName(Result result);

// Whether `value` (off the wire) is one of the results a reply may carry.
bool IsWireResult(uint32_t value);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_RESULT_H_
