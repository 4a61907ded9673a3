// SPDX-License-Identifier: BSD-3-Clause
#include "transport/wire/crc32c.h"

#include <immintrin.h>
#include <rte_hash_crc.h>

#include <array>
#include <cstring>

namespace rsm::transport::wire {
namespace {

// The CRC-32C polynomial, bit-reflected as the crc32 instruction uses it.
constexpr uint32_t kPolynomial = 0x82f63b78;

// a(x) * b(x) mod P(x), both reflected (bit 31 is x^0).
uint32_t MultiplyModP(uint32_t a, uint32_t b) {
  uint32_t product = 0;
  for (uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {
    if ((a & bit) != 0) product ^= b;
    b = (b & 1) != 0 ? (b >> 1) ^ kPolynomial : b >> 1;
  }
  return product;
}

// x^n mod P(x), reflected, by squaring.
uint32_t XToTheModP(uint64_t n) {
  uint32_t result = 1u << 31;  // x^0
  uint32_t square = 1u << 30;  // x^1, then x^2, x^4, ...
  for (; n != 0; n >>= 1) {
    if ((n & 1) != 0) result = MultiplyModP(square, result);
    square = MultiplyModP(square, square);
  }
  return result;
}

uint64_t Load64(const uint8_t* p) {
  uint64_t word;
  std::memcpy(&word, p, sizeof word);
  return word;
}

bool HasThreeWay() {
  static const bool supported =
      __builtin_cpu_supports("sse4.2") && __builtin_cpu_supports("pclmul");
  return supported;
}

// Lanes up to this long (in bytes) have their shift constant in a table:
// frames of a 9000-byte MTU, split three ways.
constexpr size_t kTabulatedLane = 3072;

// K = x^(8 * bytes - 33) mod P for a lane of `bytes` (a multiple of 8): the
// 33 undoes the x^32 of crc32 and the reflected product's one-bit shift
// (checked against the plain definition in crc32c_test). One takes a few
// thousand cycles to compute, more than a frame's CRC, so the lanes frames
// use are computed once, on first use.
uint32_t ShiftConstant(size_t bytes) {
  using Table = std::array<uint32_t, kTabulatedLane / 8 + 1>;
  static const Table* const table = [] {
    auto* constants = new Table();
    for (size_t i = 1; i < constants->size(); ++i) {
      (*constants)[i] = XToTheModP(64 * static_cast<uint64_t>(i) - 33);
    }
    return constants;
  }();
  if (bytes <= kTabulatedLane) return (*table)[bytes / 8];
  return XToTheModP(8 * static_cast<uint64_t>(bytes) - 33);
}

// The CRC of `crc` followed by `bytes` zero bytes, as crc * K in one
// carry-less multiplication and one crc32 (which multiplies by x^32 and
// reduces).
__attribute__((target("sse4.2,pclmul"))) uint32_t ShiftByZeros(uint32_t crc,
                                                               size_t bytes) {
  const __m128i product = _mm_clmulepi64_si128(
      _mm_cvtsi32_si128(static_cast<int>(crc)),
      _mm_cvtsi32_si128(static_cast<int>(ShiftConstant(bytes))), 0);
  return static_cast<uint32_t>(
      _mm_crc32_u64(0, static_cast<uint64_t>(_mm_cvtsi128_si64(product))));
}

// Three lanes of `lane` bytes each (a multiple of 8): CRC(s, A B C) is
// shift(shift(CRC(s, A), |B|) ^ CRC(0, B), |C|) ^ CRC(0, C), since the CRC
// is linear in its state.
__attribute__((target("sse4.2,pclmul"))) uint32_t ThreeLanes(
    uint32_t state, const uint8_t* data, size_t lane) {
  uint64_t a = state, b = 0, c = 0;
  for (size_t i = 0; i < lane; i += 8) {
    a = _mm_crc32_u64(a, Load64(data + i));
    b = _mm_crc32_u64(b, Load64(data + lane + i));
    c = _mm_crc32_u64(c, Load64(data + 2 * lane + i));
  }
  uint32_t crc =
      ShiftByZeros(static_cast<uint32_t>(a), lane) ^ static_cast<uint32_t>(b);
  return ShiftByZeros(crc, lane) ^ static_cast<uint32_t>(c);
}

}  // namespace

uint32_t Crc32cUpdateOneStream(uint32_t state, const uint8_t* data,
                               size_t length) {
  // rte_hash_crc_8byte takes a value, not a pointer, so unaligned frames are
  // read through memcpy (rte_hash_crc() itself would dereference them as
  // uint64_t*, undefined behaviour that UBSan stops on).
  for (; length >= 8; data += 8, length -= 8) {
    state = rte_hash_crc_8byte(Load64(data), state);
  }
  if (length >= 4) {
    uint32_t word;
    std::memcpy(&word, data, sizeof word);
    state = rte_hash_crc_4byte(word, state);
    data += 4;
    length -= 4;
  }
  for (; length > 0; ++data, --length) {
    state = rte_hash_crc_1byte(*data, state);
  }
  return state;
}

uint32_t Crc32cUpdate(uint32_t state, const uint8_t* data, size_t length) {
  if (length < kThreeWayBytes || !HasThreeWay()) {
    return Crc32cUpdateOneStream(state, data, length);
  }
  const size_t lane = length / 24 * 8;
  state = ThreeLanes(state, data, lane);
  return Crc32cUpdateOneStream(state, data + 3 * lane, length - 3 * lane);
}

}  // namespace rsm::transport::wire
