// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_CORE_RSM_STATUS_H_
#define RSM_CORE_RSM_STATUS_H_

#include <optional>
#include <utility>

#include "absl/strings/string_view.h"
#include "rsm/rsmapi.h"

namespace rsm::core {

// How a call into the core ends: RSM_SUCCESS or the one RSMERR_* code the C
// caller gets. The code is decided where the error is found, and the C shim
// returns it as it is. Built only by RsmSuccess() and RsmError(), so every
// failure has had its reason logged.
class [[nodiscard]] RsmStatus {
 public:
  bool ok() const { return code_ == RSM_SUCCESS; }
  int code() const { return code_; }
  // For the few calls whose failure changes nothing for the caller (the
  // reason is logged all the same).
  void IgnoreError() const {}

 private:
  friend RsmStatus RsmSuccess();
  friend RsmStatus RsmError(int rsm_code, absl::string_view reason);
  explicit RsmStatus(int code) : code_(code) {}

  int code_;
};

inline RsmStatus RsmSuccess() { return RsmStatus(RSM_SUCCESS); }

// The failure `rsm_code`, because of `reason` (a sentence for people). The
// reason goes to the `rsm.core` log at debug level, so
// `--log-level=rsm.*:debug` explains every failing call; at the default
// level nothing is written.
RsmStatus RsmError(int rsm_code, absl::string_view reason);

// "RSMERR_BAD_LENGTH" for 20; "RSMERR_?" for a number rsmapi.h lacks.
const char* RsmCodeName(int rsm_code);

// A value, or the RsmStatus saying why there is none.
template <typename T>
class [[nodiscard]] RsmStatusOr {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): returned like absl::StatusOr
  RsmStatusOr(RsmStatus status) : status_(status) {}
  // NOLINTNEXTLINE(google-explicit-constructor)
  RsmStatusOr(T value) : status_(RsmSuccess()), value_(std::move(value)) {}

  bool ok() const { return status_.ok(); }
  RsmStatus status() const { return status_; }
  T& operator*() & { return *value_; }
  const T& operator*() const& { return *value_; }
  T&& operator*() && { return *std::move(value_); }
  T* operator->() { return &*value_; }
  const T* operator->() const { return &*value_; }

 private:
  RsmStatus status_;
  std::optional<T> value_;
};

}  // namespace rsm::core

// Returns the RsmStatus of `expr` from the enclosing function unless it is
// a success. (Debian's Abseil has no such macros; these are for RsmStatus.)
#define RSM_RETURN_IF_ERROR(expr)                          \
  do {                                                     \
    if (const ::rsm::core::RsmStatus rsm_status_ = (expr); \
        !rsm_status_.ok()) {                               \
      return rsm_status_;                                  \
    }                                                      \
  } while (0)

// `lhs = value of expr` (an RsmStatusOr), or returns its status. `lhs` may
// declare a variable (`Controller* controller`), so it cannot be
// parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define RSM_ASSIGN_OR_RETURN(lhs, expr) \
  RSM_ASSIGN_OR_RETURN_IMPL_(RSM_STATUS_CONCAT_(rsm_or_, __LINE__), lhs, expr)
#define RSM_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                               \
  if (!result.ok()) return result.status();           \
  lhs = std::move(*result)
#define RSM_STATUS_CONCAT_(a, b) RSM_STATUS_CONCAT_INNER_(a, b)
#define RSM_STATUS_CONCAT_INNER_(a, b) a##b
// NOLINTEND(bugprone-macro-parentheses)

#endif  // RSM_CORE_RSM_STATUS_H_
