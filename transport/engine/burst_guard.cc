// SPDX-License-Identifier: BSD-3-Clause
#include "transport/engine/burst_guard.h"

#include <rte_ethdev.h>
#include <setjmp.h>
#include <signal.h>

#include <cstring>

namespace rsm::transport {
namespace {

// Where the burst this thread is in returns to on a fault; null outside a
// guarded burst. Read in the signal handler, so it must be static TLS that
// never allocates on first use (initial-exec).
__attribute__((tls_model("initial-exec"))) thread_local sigjmp_buf* armed =
    nullptr;

struct sigaction previous_segv;
struct sigaction previous_bus;

void OnFault(int signal_number, siginfo_t* info, void* context) {
  if (sigjmp_buf* const jump = armed; jump != nullptr) {
    armed = nullptr;
    siglongjmp(*jump, 1);
  }
  const struct sigaction& before =
      signal_number == SIGBUS ? previous_bus : previous_segv;
  if ((before.sa_flags & SA_SIGINFO) != 0) {
    before.sa_sigaction(signal_number, info, context);
    return;
  }
  if (before.sa_handler != SIG_DFL && before.sa_handler != SIG_IGN) {
    before.sa_handler(signal_number);
    return;
  }
  // Not ours: back to the default, and the faulting instruction, run again
  // on return, ends the process with a core as if we had never been here.
  signal(signal_number, SIG_DFL);
}

}  // namespace

bool PortNeedsBurstGuard(uint16_t port_id) {
  rte_eth_dev_info info{};
  return rte_eth_dev_info_get(port_id, &info) == 0 &&
         info.driver_name != nullptr &&
         std::strcmp(info.driver_name, "net_memif") == 0;
}

void InstallBurstGuard() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_sigaction = OnFault;
    // SA_NODEFER: the signal is not blocked when the handler jumps out, so
    // the jump need not restore the mask (sigsetjmp without a syscall).
    action.sa_flags = SA_SIGINFO | SA_NODEFER;
    sigemptyset(&action.sa_mask);
    return sigaction(SIGSEGV, &action, &previous_segv) == 0 &&
           sigaction(SIGBUS, &action, &previous_bus) == 0;
  }();
  (void)installed;
}

uint16_t GuardedRxBurst(uint16_t port_id, rte_mbuf** frames, uint16_t count,
                        bool* faulted) {
  sigjmp_buf jump;
  if (sigsetjmp(jump, /*savemask=*/0) != 0) {
    *faulted = true;
    return 0;
  }
  armed = &jump;
  const uint16_t got = rte_eth_rx_burst(port_id, 0, frames, count);
  armed = nullptr;
  return got;
}

uint16_t GuardedTxBurst(uint16_t port_id, rte_mbuf** frames, uint16_t count,
                        bool* faulted) {
  sigjmp_buf jump;
  if (sigsetjmp(jump, /*savemask=*/0) != 0) {
    *faulted = true;
    return count;
  }
  armed = &jump;
  const uint16_t sent = rte_eth_tx_burst(port_id, 0, frames, count);
  armed = nullptr;
  return sent;
}

}  // namespace rsm::transport
