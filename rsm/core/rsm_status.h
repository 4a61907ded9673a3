#ifndef RSM_CORE_RSM_STATUS_H_
#define RSM_CORE_RSM_STATUS_H_

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace rsm::core {

// Inside the C++ core errors are absl::Status; the RSMAPI return code a C
// caller must see rides along as a payload, so the code is decided where the
// error is found and the C shim only reads it back.
absl::Status RsmError(int rsm_code, absl::string_view message);

// The RSMAPI return code for `status`: RSM_SUCCESS for OK, the attached code
// when there is one, else RSMERR_INTERNAL_ERROR (a bug: every error that can
// reach a caller should carry its code).
int RsmCode(const absl::Status& status);

}  // namespace rsm::core

#endif  // RSM_CORE_RSM_STATUS_H_
