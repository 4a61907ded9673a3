// SPDX-License-Identifier: BSD-3-Clause
#include "rsm/core/result_codes.h"

#include "absl/strings/str_cat.h"

namespace rsm::core {
namespace {

using transport::Result;

RsmStatus Outcome(const char* call, Result result, int code) {
  if (result == Result::kOk) return RsmSuccess();
  return RsmError(code,
                  absl::StrCat(call, ": ", transport::ResultName(result)));
}

// Failures every kind of call shares: the path, the engine, resources.
int CommonCode(Result result) {
  switch (result) {
    case Result::kPeerUnreachable:
    case Result::kPeerRestarted:
    case Result::kInvalid:  // a node that is not in the cluster
      return RSMERR_REMOTE_NODE_UNREACHABLE;
    case Result::kEngineStopped:
      return RSMERR_CTLR_NOT_PRESENT;
    case Result::kNoResources:
      return RSMERR_INSUFFICIENT_RESOURCES;
    default:
      return RSMERR_INTERNAL_ERROR;
  }
}

// The exporter decides in the order of Solaris's rsmseg_connect: published
// at all, published to this node, then the rights.
int ConnectCode(Result result) {
  switch (result) {
    case Result::kNotPublished:
      return RSMERR_SEG_NOT_PUBLISHED;
    case Result::kNotPublishedToNode:
      return RSMERR_SEG_NOT_PUBLISHED_TO_NODE;
    case Result::kPermissionDenied:
      return RSMERR_PERM_DENIED;
    default:
      return CommonCode(result);
  }
}

// The importer's library has checked handle, alignment, direction and range
// (__rsm_import_verify_access); what is left is what the exporter says.
int AccessCode(Result result) {
  switch (result) {
    case Result::kNotConnected:
    case Result::kNotPublished:
    case Result::kPeerUnreachable:
    case Result::kPeerRestarted:
    case Result::kEngineStopped:
      // The connection is gone, whoever ended it.
      return RSMERR_CONN_ABORTED;
    case Result::kPermissionDenied:
      return RSMERR_PERM_DENIED;
    case Result::kOutOfBounds:
      return RSMERR_BAD_LENGTH;
    default:
      return CommonCode(result);
  }
}

// The segment table's verdicts after the library's argument checks.
int ExportCode(Result result) {
  switch (result) {
    case Result::kIdInUse:
      return RSMERR_SEGID_IN_USE;
    case Result::kIdsExhausted:
      return RSMERR_INSUFFICIENT_RESOURCES;
    case Result::kNotPublished:
      return RSMERR_SEG_NOT_PUBLISHED;
    case Result::kEngineStopped:
      return RSMERR_CTLR_NOT_PRESENT;
    default:
      return RSMERR_INTERNAL_ERROR;
  }
}

// Solaris's close reported any failed access or transfer in the span as
// RSMERR_BARRIER_FAILURE; a connection that is gone is checked before (40).
int BarrierCode(Result /*result*/) { return RSMERR_BARRIER_FAILURE; }

// A post needs the segment published (exporter) or the connection up
// (importer); after that only the path can fail it.
int SignalPostCode(Result result) {
  switch (result) {
    case Result::kNotPublished:
      return RSMERR_BAD_SEG_HNDL;
    case Result::kPeerUnreachable:
    case Result::kPeerRestarted:
    case Result::kInvalid:
      return RSMERR_REMOTE_NODE_UNREACHABLE;
    case Result::kNoResources:
      return RSMERR_INSUFFICIENT_RESOURCES;
    default:
      return RSMERR_CONN_ABORTED;
  }
}

}  // namespace

RsmStatus ConnectStatus(Result result) {
  return Outcome("connect", result, ConnectCode(result));
}

RsmStatus AccessStatus(Result result) {
  return Outcome("access", result, AccessCode(result));
}

RsmStatus ExportStatus(Result result) {
  return Outcome("export", result, ExportCode(result));
}

RsmStatus BarrierStatus(Result result) {
  return Outcome("close barrier", result, BarrierCode(result));
}

RsmStatus SignalPostStatus(Result result) {
  return Outcome("signal post", result, SignalPostCode(result));
}

}  // namespace rsm::core
