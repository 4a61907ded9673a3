// SPDX-License-Identifier: BSD-3-Clause
// Cost of the wire codec per frame: what the engine pays on top of the NIC for
// every frame it sends and receives. Dominated by the CRC32C over the payload.
//
//   bazel run -c opt //benchmarks:codec_benchmark

#include <cstdint>
#include <vector>

#include "benchmark/benchmark.h"
#include "transport/wire/codec.h"
#include "transport/wire/frame.h"

namespace rsm::transport::wire {
namespace {

constexpr MacAddress kDst = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};
constexpr MacAddress kSrc = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

FrameHeader PutHeader(uint32_t length) {
  FrameHeader h;
  h.type = FrameType::kPut;
  h.flags = kFirstFragment | kLastFragment;
  h.src_node = 1;
  h.dst_node = 2;
  h.src_incarnation = 7;
  h.dst_incarnation = 9;
  h.seq = 1;
  h.ack = 1;
  h.segment_id = 0x80000000;
  h.offset = 4096;
  h.length = length;
  return h;
}

struct Fixture {
  explicit Fixture(uint32_t length)
      : header(PutHeader(length)),
        payload(length, 0x5A),
        frame(kFrameOverhead + length) {}

  FrameHeader header;
  std::vector<uint8_t> payload;
  std::vector<uint8_t> frame;
};

void BM_Encode(benchmark::State& state) {
  Fixture f(static_cast<uint32_t>(state.range(0)));
  for (auto _ : state) {
    ++f.header.seq;
    benchmark::DoNotOptimize(
        EncodeFrame(kDst, kSrc, f.header, f.payload, f.frame.data()));
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * f.frame.size());
}

void BM_Decode(benchmark::State& state) {
  Fixture f(static_cast<uint32_t>(state.range(0)));
  EncodeFrame(kDst, kSrc, f.header, f.payload, f.frame.data());
  DecodedFrame decoded;
  for (auto _ : state) {
    benchmark::DoNotOptimize(f.frame.data());
    benchmark::DoNotOptimize(DecodeFrame(f.frame, &decoded));
    benchmark::DoNotOptimize(decoded);
  }
  if (DecodeFrame(f.frame, &decoded) != DecodeStatus::kOk) {
    state.SkipWithError("frame does not decode");
  }
  state.SetBytesProcessed(state.iterations() * f.frame.size());
}

// One frame sent and received: the per-frame figure the brief asks for.
void BM_EncodeDecode(benchmark::State& state) {
  Fixture f(static_cast<uint32_t>(state.range(0)));
  DecodedFrame decoded;
  for (auto _ : state) {
    ++f.header.seq;
    EncodeFrame(kDst, kSrc, f.header, f.payload, f.frame.data());
    benchmark::DoNotOptimize(DecodeFrame(f.frame, &decoded));
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(state.iterations() * f.frame.size());
}

// Empty (control frames), small, and up to a full 1500-byte MTU frame.
void PayloadSizes(benchmark::internal::Benchmark* b) {
  b->Arg(0)->Arg(64)->Arg(1024)->Arg(1400);
}
BENCHMARK(BM_Encode)->Apply(PayloadSizes);
BENCHMARK(BM_Decode)->Apply(PayloadSizes);
BENCHMARK(BM_EncodeDecode)->Apply(PayloadSizes);

}  // namespace
}  // namespace rsm::transport::wire

BENCHMARK_MAIN();
