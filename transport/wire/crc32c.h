// SPDX-License-Identifier: BSD-3-Clause
// CRC-32C (Castagnoli), the frame check of the segment protocol.
#ifndef RSM_TRANSPORT_WIRE_CRC32C_H_
#define RSM_TRANSPORT_WIRE_CRC32C_H_

#include <cstddef>
#include <cstdint>

namespace rsm::transport::wire {

// Continues a CRC-32C over `length` bytes at `data` (any alignment) from
// `state`, with no inversion before or after (callers start from ~0 and
// invert the result). On a CPU with SSE4.2 and PCLMULQDQ, buffers of
// kThreeWayBytes or more run as three interleaved streams joined by
// carry-less multiplication: the crc32 instruction has a latency of three
// cycles and a throughput of one, so one stream uses a third of it. Other
// CPUs get DPDK's rte_hash_crc (one stream, or tables without SSE4.2).
uint32_t Crc32cUpdate(uint32_t state, const uint8_t* data, size_t length);

inline constexpr size_t kThreeWayBytes = 192;

// Only the one-stream path, for tests that compare the two.
uint32_t Crc32cUpdateOneStream(uint32_t state, const uint8_t* data,
                               size_t length);

}  // namespace rsm::transport::wire

#endif  // RSM_TRANSPORT_WIRE_CRC32C_H_
