#ifndef RSM_TRANSPORT_SEGMENTS_SEGMENT_RESULT_H_
#define RSM_TRANSPORT_SEGMENTS_SEGMENT_RESULT_H_

#include <cstdint>

namespace rsm::transport {

// How a segment operation ends, in the protocol's terms. The values of the
// first group travel in CONNECT_REPLY and GET_REPLY, so they are fixed; the
// RSMAPI layer maps every one of them to its return code.
enum class SegmentResult : uint32_t {
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
  kPeerUnreachable,  // the exporter's node stopped answering
  kPeerRestarted,    // it came back as a new incarnation
  kEngineStopped,    // our engine stopped
  kNoResources,      // no frame or ring slot free
  kInvalid,          // the transport refused the request (unknown node)
};

// "OK", "NOT_PUBLISHED", ...
const char* SegmentResultName(SegmentResult result);

// Whether `value` (off the wire) names one of the results a reply may carry.
bool IsWireResult(uint32_t value);

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_SEGMENTS_SEGMENT_RESULT_H_
