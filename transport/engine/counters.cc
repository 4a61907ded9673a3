// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/counters.h"

#include "absl/strings/str_cat.h"

namespace rsm::transport {

absl::string_view DropReasonName(DropReason reason) {
  switch (reason) {
    case DropReason::kMalformed:
      return "malformed";
    case DropReason::kBadChecksum:
      return "bad_checksum";
    case DropReason::kNotForUs:
      return "not_for_us";
    case DropReason::kUnknownPeer:
      return "unknown_peer";
    case DropReason::kStaleIncarnation:
      return "stale_incarnation";
    case DropReason::kNotConnected:
      return "not_connected";
    case DropReason::kOutOfWindow:
      return "out_of_window";
    case DropReason::kDuplicate:
      return "duplicate";
    case DropReason::kWrongSourceMac:
      return "wrong_source_mac";
    case DropReason::kBadAck:
      return "bad_ack";
    case DropReason::kBadFragment:
      return "bad_fragment";
    case DropReason::kCount:
      break;
  }
  return "?";
}

std::string CountersToString(const TrafficCounters& c) {
  std::string out = absl::StrCat(
      "frames_in=", c.frames_in.Get(), " bytes_in=", c.bytes_in.Get(),
      " frames_out=", c.frames_out.Get(), " bytes_out=", c.bytes_out.Get(),
      " retransmits=", c.retransmits.Get(),
      " timeouts=", c.retransmit_timeouts.Get(),
      " fast_retransmits=", c.fast_retransmits.Get());
  for (int i = 0; i < static_cast<int>(DropReason::kCount); ++i) {
    if (c.drops[i].Get() == 0) continue;
    absl::StrAppend(&out, " rx_", DropReasonName(static_cast<DropReason>(i)),
                    "=", c.drops[i].Get());
  }
  return out;
}

std::string CountersToString(const PortCounters& c) {
  std::string out = CountersToString(static_cast<const TrafficCounters&>(c));
  absl::StrAppend(&out, " tx_ring_full=", c.tx_ring_full.Get(),
                  " no_mbufs=", c.no_mbufs.Get(),
                  " requests_failed=", c.requests_failed.Get(),
                  " burst_faults=", c.burst_faults.Get());
  for (int i = 0; i < wire::kDecodeStatusCount; ++i) {
    if (c.decode_errors[i].Get() == 0) continue;
    absl::StrAppend(&out, " decode_",
                    wire::DecodeStatusName(static_cast<wire::DecodeStatus>(i)),
                    "=", c.decode_errors[i].Get());
  }
  return out;
}

}  // namespace rsm::transport
