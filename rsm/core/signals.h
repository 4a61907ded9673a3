// SPDX-License-Identifier: BSD-3-Clause
// Signals and pollfds (rsm_intr_signal_post(3RSM),
// rsm_memseg_get_pollfd(3RSM)): each segment, export or import, counts its
// pending events; a post adds one at the other end, a successful wait takes
// one. The count lives in a pipe (transport::EventCounter), which is also the
// descriptor a pollfd hands out.
#ifndef RSM_CORE_SIGNALS_H_
#define RSM_CORE_SIGNALS_H_

#include <poll.h>

#include <memory>

#include "rsm/core/rsm_status.h"
#include "rsm/rsmapi.h"
#include "transport/segments/event_counter.h"

namespace rsm::core {

// A segment's event count; RSMERR_INSUFFICIENT_RESOURCES when the process
// has no descriptor left for its pipe.
RsmStatusOr<std::unique_ptr<transport::EventCounter>> NewEventCounter();

// From an import handle: rings the exporter's segment. From an export
// handle: rings every import of it, on every node.
RsmStatus SignalPost(void* memseg, uint_t flags);
// `timeout` in ms; negative waits for ever.
RsmStatus SignalWait(void* memseg, int timeout);

RsmStatus GetPollfd(void* memseg, struct pollfd* fd);
RsmStatus ReleasePollfd(void* memseg);
RsmStatus SignalWaitPollfd(struct pollfd fds[], nfds_t nfds, int timeout,
                           int* numfdsp);

}  // namespace rsm::core

#endif  // RSM_CORE_SIGNALS_H_
