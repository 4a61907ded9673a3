// SPDX-License-Identifier: BSD-3-Clause
// Tokens name an importer's connections and tags its outstanding GETs,
// BARRIERs and CONNECTs in frames (32 bits on the wire). At a few million
// requests a second the counter wraps within hours, so a value still in use
// is skipped: a late reply must never be taken for another request's.
#ifndef RSM_TRANSPORT_SEGMENTS_TOKENS_H_
#define RSM_TRANSPORT_SEGMENTS_TOKENS_H_

#include <cstdint>

#include "absl/functional/function_ref.h"

namespace rsm::transport {

// The first value from `*next` on that is neither 0 (a zeroed field names
// nothing) nor `in_use`; advances `*next` past it. `in_use` must leave some
// value free (the caller holds far fewer than 2^32 live tokens).
inline uint32_t NextFreeToken(uint32_t* next,
                              absl::FunctionRef<bool(uint32_t)> in_use) {
  for (;;) {
    const uint32_t token = (*next)++;
    if (token != 0 && !in_use(token)) return token;
  }
}

}  // namespace rsm::transport

#endif  // RSM_TRANSPORT_SEGMENTS_TOKENS_H_
