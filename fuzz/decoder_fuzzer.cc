// SPDX-License-Identifier: BSD-3-Clause
// libFuzzer target: the frame decoder (transport/wire/codec.h), which every
// frame from the network meets first. It must never read outside the frame
// or crash, and what it accepts must survive re-encoding unchanged: encode
// and decode are each other's inverse on every valid frame. Each input is
// decoded as it is and once more with a correct CRC written into it, so the
// field checks behind the CRC are reached too (a mutated frame almost never
// has a valid CRC by chance).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "transport/wire/codec.h"

namespace wire = rsm::transport::wire;

namespace {

constexpr size_t kCrcAt = wire::kFrameOverhead - sizeof(uint32_t);

// `frame` with the CRC it would need: of our header (crc field zero) and
// the payload, big-endian in the crc field.
std::vector<uint8_t> Sealed(const uint8_t* data, size_t size) {
  std::vector<uint8_t> frame(data, data + size);
  std::vector<uint8_t> covered(data + wire::kEthernetHeaderSize, data + kCrcAt);
  covered.resize(covered.size() + sizeof(uint32_t), 0);
  covered.insert(covered.end(), data + wire::kFrameOverhead, data + size);
  const uint32_t crc = wire::Crc32c(covered);
  for (size_t i = 0; i < sizeof crc; ++i) {
    frame[kCrcAt + i] = static_cast<uint8_t>(crc >> (8 * (3 - i)));
  }
  return frame;
}

void CheckRoundTrip(absl::Span<const uint8_t> input) {
  wire::DecodedFrame frame;
  if (wire::DecodeFrame(input, &frame) != wire::DecodeStatus::kOk) return;
  std::vector<uint8_t> again(wire::kFrameOverhead + frame.payload.size());
  const size_t length = wire::EncodeFrame(frame.dst, frame.src, frame.header,
                                          frame.payload, again.data());
  wire::DecodedFrame back;
  if (length != again.size() ||
      wire::DecodeFrame(absl::MakeConstSpan(again.data(), length), &back) !=
          wire::DecodeStatus::kOk ||
      !(back.header == frame.header) || back.dst != frame.dst ||
      back.src != frame.src ||
      !std::equal(back.payload.begin(), back.payload.end(),
                  frame.payload.begin(), frame.payload.end())) {
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  CheckRoundTrip(absl::MakeConstSpan(data, size));
  if (size >= wire::kFrameOverhead) {
    const std::vector<uint8_t> sealed = Sealed(data, size);
    CheckRoundTrip(sealed);
  }
  return 0;
}
