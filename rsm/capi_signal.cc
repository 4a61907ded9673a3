// C entry points for signals and pollfds.
#include "rsm/core/rsm_status.h"
#include "rsm/core/signals.h"
#include "rsm/rsmapi.h"

using rsm::core::RsmCode;

extern "C" int rsm_intr_signal_post(void* memseg, uint_t flags) {
  return RsmCode(rsm::core::SignalPost(memseg, flags));
}

extern "C" int rsm_intr_signal_wait(void* memseg, int timeout) {
  return RsmCode(rsm::core::SignalWait(memseg, timeout));
}

extern "C" int rsm_memseg_get_pollfd(void* memseg, struct pollfd* fd) {
  return RsmCode(rsm::core::GetPollfd(memseg, fd));
}

extern "C" int rsm_memseg_release_pollfd(void* memseg) {
  return RsmCode(rsm::core::ReleasePollfd(memseg));
}

extern "C" int rsm_intr_signal_wait_pollfd(struct pollfd fds[], nfds_t nfds,
                                           int timeout, int* numfdsp) {
  return RsmCode(rsm::core::SignalWaitPollfd(fds, nfds, timeout, numfdsp));
}
