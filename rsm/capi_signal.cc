// SPDX-License-Identifier: BSD-3-Clause
// C entry points for signals and pollfds.
#include "rsm/core/rsm_status.h"
#include "rsm/core/signals.h"
#include "rsm/rsmapi.h"

extern "C" int rsm_intr_signal_post(void* memseg, uint_t flags) {
  return rsm::core::SignalPost(memseg, flags).code();
}

extern "C" int rsm_intr_signal_wait(void* memseg, int timeout) {
  return rsm::core::SignalWait(memseg, timeout).code();
}

extern "C" int rsm_memseg_get_pollfd(void* memseg, struct pollfd* fd) {
  return rsm::core::GetPollfd(memseg, fd).code();
}

extern "C" int rsm_memseg_release_pollfd(void* memseg) {
  return rsm::core::ReleasePollfd(memseg).code();
}

extern "C" int rsm_intr_signal_wait_pollfd(struct pollfd fds[], nfds_t nfds,
                                           int timeout, int* numfdsp) {
  return rsm::core::SignalWaitPollfd(fds, nfds, timeout, numfdsp).code();
}
