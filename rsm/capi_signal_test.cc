// SPDX-License-Identifier: BSD-3-Clause
// Signals and pollfds through the C API (rsm_intr_signal_post(3RSM),
// rsm_memseg_get_pollfd(3RSM), docs/compatibility.md "Barriers and signals"):
// every function and every code it documents, event accounting in both
// directions, poll(2) and epoll on the pollfd, on loopback, on the embedded
// default's dpdk0 and across two nodes (rsm/testing/capi_setups.h); an
// exporter's post to importers on three nodes, and posts to a stopped node,
// with rsm/testing/n_nodes.h. Each case runs in a forked child.
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "rsm/testing/bounded_wait.h"
#include "rsm/testing/capi_setups.h"
#include "rsm/testing/n_nodes.h"
#include "transport/testing/child_process.h"

namespace rsm::testing {
namespace {

constexpr rsm_memseg_id_t kId = 0x400c00;

// A published segment of the exporter and one import of it.
class Imported {
 public:
  explicit Imported(const Nodes& nodes, rsm_memseg_id_t id = kId)
      : memory_(2), id_(id) {
    exported_ = ExportAndPublish(nodes, memory_, &id_);
    if (exported_ != nullptr) imported_ = Connect(nodes, id_);
  }

  bool ok() const { return imported_ != nullptr; }
  rsm_memseg_id_t id() const { return id_; }
  rsm_memseg_export_handle_t exported() const { return exported_; }
  rsm_memseg_import_handle_t imported() const { return imported_; }

 private:
  Pages memory_;
  rsm_memseg_id_t id_;
  rsm_memseg_export_handle_t exported_ = nullptr;
  rsm_memseg_import_handle_t imported_ = nullptr;
};

// Posts from an export handle are queued to each importer, not waited for.
// The exporter answers a get after everything it queued before, and its
// node delivers in order: once a get on `imported` returns, every signal
// the exporter posted to it before has landed.
void Settle(rsm_memseg_import_handle_t imported) {
  uint8_t byte;
  ASSERT_EQ(rsm_memseg_import_get(imported, 0, &byte, 1), RSM_SUCCESS);
}

// Takes events from `segment` with timeout 0 until none is left; how many.
// Stops at a bound far above any count a case posts.
int Drain(void* segment) {
  int taken = 0;
  while (taken < 100000 && rsm_intr_signal_wait(segment, 0) == RSM_SUCCESS) {
    ++taken;
  }
  return taken;
}

// Whether `fd` polls readable now.
bool Readable(int fd) {
  pollfd p{fd, POLLRDNORM, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLRDNORM) != 0;
}

using SignalTest = SetupTest;

TEST_P(SignalTest, PostRefusesBadAndUnpublishedHandles) {
  RunCase([](Nodes& nodes) {
    EXPECT_EQ(rsm_intr_signal_post(nullptr, 0), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_intr_signal_post(NotAHandle<void*>(), 0),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_intr_signal_post(nodes.exporter(), 0), RSMERR_BAD_SEG_HNDL)
        << "a controller handle";
    // Created, never published.
    Pages memory(1);
    rsm_memseg_export_handle_t created = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &created,
                                       memory.data(), memory.size(), 0),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_post(created, 0), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_intr_signal_post(created, RSM_SIGPOST_NO_ACCUMULATE),
              RSMERR_BAD_SEG_HNDL);
    // Published with nobody connected: nobody to ring, and no error.
    rsm_memseg_id_t id = kId + 1;
    ASSERT_EQ(rsm_memseg_export_publish(created, &id, nullptr, 0), RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_post(created, 0), RSM_SUCCESS);
    // Unpublished again, then destroyed.
    ASSERT_EQ(rsm_memseg_export_unpublish(created), RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_post(created, 0), RSMERR_BAD_SEG_HNDL);
    ASSERT_EQ(rsm_memseg_export_destroy(created), RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_post(created, 0), RSMERR_BAD_SEG_HNDL);
    // A disconnected import.
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    ASSERT_EQ(rsm_memseg_import_disconnect(segment.imported()), RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSMERR_BAD_SEG_HNDL);
  });
}

TEST_P(SignalTest, PostFromARevokedImportIsConnAborted) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_export_unpublish(segment.exported()), RSM_SUCCESS);
    int rc = rsm_intr_signal_post(segment.imported(), 0);
    if (!nodes.loopback()) {
      // The REVOKE reaches a DPDK importer on its own; a post racing with
      // it may be taken and dropped by the exporter (as a put may).
      ASSERT_TRUE(WaitFor([&] {
        rc = rsm_intr_signal_post(segment.imported(), 0);
        return rc != RSM_SUCCESS;
      })) << "posts kept succeeding on a revoked connection";
    }
    EXPECT_EQ(rc, RSMERR_CONN_ABORTED);
    EXPECT_EQ(
        rsm_intr_signal_post(segment.imported(), RSM_SIGPOST_NO_ACCUMULATE),
        RSMERR_CONN_ABORTED);
    // The export handle, unpublished, refuses too.
    EXPECT_EQ(rsm_intr_signal_post(segment.exported(), 0), RSMERR_BAD_SEG_HNDL);
  });
}

// A waiter on an import whose connection ends is woken with the connection
// error, not left until its timeout.
TEST_P(SignalTest, WaitOnAnImportWhoseConnectionEndsIsConnAborted) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    ASSERT_EQ(rsm_intr_signal_post(segment.exported(), 0), RSM_SUCCESS);
    std::atomic<int> waited{-1};
    std::atomic<bool> took_first{false};
    std::thread waiter([&] {
      // Takes the pending event, then sleeps for the next one.
      int rc = rsm_intr_signal_wait(segment.imported(), 10000);
      if (rc == RSM_SUCCESS) {
        took_first.store(true);
        rc = rsm_intr_signal_wait(segment.imported(), 30000);
      }
      waited.store(rc);
    });
    // The unpublish must find the waiter in its second wait, not before it.
    ASSERT_TRUE(WaitFor([&] { return took_first.load(); }));
    absl::SleepFor(absl::Milliseconds(50));
    const absl::Time unpublished = absl::Now();
    ASSERT_EQ(rsm_memseg_export_unpublish(segment.exported()), RSM_SUCCESS);
    waiter.join();
    EXPECT_EQ(waited.load(), RSMERR_CONN_ABORTED);
    // Well before the 30 s timeout: woken by the revoke, not timed out.
    EXPECT_LT(absl::Now() - unpublished, absl::Seconds(10));
    EXPECT_EQ(rsm_intr_signal_wait(segment.imported(), 0), RSMERR_CONN_ABORTED);
  });
}

// The pollfd of an import whose connection ended reports POLLHUP at once
// (the pipe's write end is closed), instead of polling until the timeout.
TEST_P(SignalTest, PollfdOfAnEndedConnectionReportsHangUp) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    pollfd fd{};
    ASSERT_EQ(rsm_memseg_get_pollfd(segment.imported(), &fd), RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_export_unpublish(segment.exported()), RSM_SUCCESS);
    ASSERT_TRUE(WaitFor([&] {
      return rsm_intr_signal_wait(segment.imported(), 0) == RSMERR_CONN_ABORTED;
    }));
    const absl::Time start = absl::Now();
    int numfds = 0;
    EXPECT_EQ(rsm_intr_signal_wait_pollfd(&fd, 1, 5000, &numfds), RSM_SUCCESS);
    EXPECT_LT(absl::Now() - start, absl::Seconds(1));
    EXPECT_EQ(numfds, 1);
    EXPECT_EQ(fd.revents, POLLHUP);
    EXPECT_EQ(rsm_memseg_release_pollfd(segment.imported()), RSM_SUCCESS);
  });
}

TEST_P(SignalTest, WaitRefusesBadHandles) {
  RunCase([](Nodes& nodes) {
    EXPECT_EQ(rsm_intr_signal_wait(nullptr, 0), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_intr_signal_wait(NotAHandle<void*>(), 0),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_intr_signal_wait(nullptr, -1), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_intr_signal_wait(nodes.importer(), 10), RSMERR_BAD_SEG_HNDL)
        << "a controller handle";
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    ASSERT_EQ(rsm_memseg_import_disconnect(segment.imported()), RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_wait(segment.imported(), 0), RSMERR_BAD_SEG_HNDL);
    ASSERT_EQ(rsm_memseg_export_destroy(segment.exported()), RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSMERR_BAD_SEG_HNDL);
  });
}

TEST_P(SignalTest, WaitTimesOutWhenNothingIsPending) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    for (void* handle : {static_cast<void*>(segment.exported()),
                         static_cast<void*>(segment.imported())}) {
      for (int timeout : {0, 1, 2, 5, 20}) {
        EXPECT_EQ(rsm_intr_signal_wait(handle, timeout), RSMERR_TIMEOUT)
            << "timeout " << timeout;
      }
    }
    // An export handle that was never published has a count too.
    Pages memory(1);
    rsm_memseg_export_handle_t created = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &created,
                                       memory.data(), memory.size(), 0),
              RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_wait(created, 0), RSMERR_TIMEOUT);
  });
}

// N posts from the import: exactly N waits on the export succeed, then
// RSMERR_TIMEOUT; and the other way round.
TEST_P(SignalTest, EveryPostIsOneWaitInBothDirections) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    // A second import of the same segment: the exporter rings both.
    rsm_memseg_import_handle_t second = Connect(nodes, segment.id());
    ASSERT_NE(second, nullptr);
    for (int n : {1, 7, 300}) {
      SCOPED_TRACE(absl::StrCat(n, " posts"));
      // Importer -> exporter: a post returns once the exporter has it.
      for (int i = 0; i < n; ++i) {
        ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
      }
      for (int i = 0; i < n; ++i) {
        ASSERT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSM_SUCCESS)
            << "wait " << i;
      }
      EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSMERR_TIMEOUT);
      EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 5), RSMERR_TIMEOUT);
      // Nothing landed on the import side.
      EXPECT_EQ(rsm_intr_signal_wait(segment.imported(), 0), RSMERR_TIMEOUT);

      // Exporter -> importers.
      for (int i = 0; i < n; ++i) {
        ASSERT_EQ(rsm_intr_signal_post(segment.exported(), 0), RSM_SUCCESS);
      }
      Settle(segment.imported());
      Settle(second);
      for (rsm_memseg_import_handle_t imported : {segment.imported(), second}) {
        for (int i = 0; i < n; ++i) {
          ASSERT_EQ(rsm_intr_signal_wait(imported, 0), RSM_SUCCESS)
              << "wait " << i;
        }
        EXPECT_EQ(rsm_intr_signal_wait(imported, 0), RSMERR_TIMEOUT);
        EXPECT_EQ(rsm_intr_signal_wait(imported, 5), RSMERR_TIMEOUT);
      }
      EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSMERR_TIMEOUT);
    }
    // Waits with time left take a post that comes while they wait.
    std::thread waiter([&] {
      EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 20000), RSM_SUCCESS);
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    waiter.join();
    std::thread forever(
        [&] { EXPECT_EQ(rsm_intr_signal_wait(second, -1), RSM_SUCCESS); });
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_EQ(rsm_intr_signal_post(segment.exported(), 0), RSM_SUCCESS);
    forever.join();
    // The other import got the same post (queued to it separately).
    Settle(segment.imported());
    EXPECT_EQ(Drain(segment.imported()), 1);
  });
}

TEST_P(SignalTest, NoAccumulateKeepsAtMostOnePending) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    // Importer -> exporter.
    for (int i = 0; i < 10; ++i) {
      ASSERT_EQ(
          rsm_intr_signal_post(segment.imported(), RSM_SIGPOST_NO_ACCUMULATE),
          RSM_SUCCESS);
    }
    EXPECT_EQ(Drain(segment.exported()), 1);
    // Exporter -> importer.
    for (int i = 0; i < 10; ++i) {
      ASSERT_EQ(
          rsm_intr_signal_post(segment.exported(), RSM_SIGPOST_NO_ACCUMULATE),
          RSM_SUCCESS);
    }
    Settle(segment.imported());
    EXPECT_EQ(Drain(segment.imported()), 1);
    // It drops only when one is pending: accumulating posts add, whatever
    // is pending.
    ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    ASSERT_EQ(
        rsm_intr_signal_post(segment.imported(), RSM_SIGPOST_NO_ACCUMULATE),
        RSM_SUCCESS);
    EXPECT_EQ(Drain(segment.exported()), 2);
    ASSERT_EQ(
        rsm_intr_signal_post(segment.exported(), RSM_SIGPOST_NO_ACCUMULATE),
        RSM_SUCCESS);
    ASSERT_EQ(rsm_intr_signal_post(segment.exported(), 0), RSM_SUCCESS);
    ASSERT_EQ(
        rsm_intr_signal_post(segment.exported(), RSM_SIGPOST_NO_ACCUMULATE),
        RSM_SUCCESS);
    Settle(segment.imported());
    EXPECT_EQ(Drain(segment.imported()), 2);
    // Taken between two posts, the second one counts again.
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(
          rsm_intr_signal_post(segment.imported(), RSM_SIGPOST_NO_ACCUMULATE),
          RSM_SUCCESS);
      EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSM_SUCCESS);
    }
    EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSMERR_TIMEOUT);
  });
}

// A handler that does nothing, installed without SA_RESTART, so that the
// signal ends a blocking poll(2) with EINTR.
void Ignore(int) {}

// Runs `wait` on a thread and sends it SIGUSR1 until it returns; its
// result. `release` ends the wait if the signals never do.
int InterruptedWait(const std::function<int()>& wait,
                    const std::function<void()>& release) {
  struct sigaction action = {};
  action.sa_handler = Ignore;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART
  struct sigaction previous = {};
  EXPECT_EQ(sigaction(SIGUSR1, &action, &previous), 0);
  std::atomic<bool> done{false};
  int rc = RSM_SUCCESS;
  std::thread waiter([&] {
    rc = wait();
    done.store(true);
  });
  // A signal that lands before the waiter sleeps in poll interrupts
  // nothing: keep sending until it returns (thousands of signals, so that
  // the three waits of a case fail well within its child's timeout).
  const bool returned = WaitFor(
      [&] {
        if (!done.load()) pthread_kill(waiter.native_handle(), SIGUSR1);
        return done.load();
      },
      std::chrono::seconds(6), std::chrono::milliseconds(2));
  if (!returned) {
    ADD_FAILURE() << "the signals never ended the wait";
    release();
  }
  waiter.join();
  sigaction(SIGUSR1, &previous, nullptr);
  return rc;
}

TEST_P(SignalTest, SignalHandlerInterruptsAWait) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    auto post_to_exporter = [&] {
      rsm_intr_signal_post(segment.imported(), 0);
    };
    auto post_to_importer = [&] {
      rsm_intr_signal_post(segment.exported(), 0);
    };
    EXPECT_EQ(InterruptedWait(
                  [&] { return rsm_intr_signal_wait(segment.exported(), -1); },
                  post_to_exporter),
              RSMERR_INTERRUPTED);
    EXPECT_EQ(
        InterruptedWait(
            [&] { return rsm_intr_signal_wait(segment.imported(), 60000); },
            post_to_importer),
        RSMERR_INTERRUPTED);
    pollfd fd{};
    ASSERT_EQ(rsm_memseg_get_pollfd(segment.exported(), &fd), RSM_SUCCESS);
    int numfds = -1;
    EXPECT_EQ(
        InterruptedWait(
            [&] { return rsm_intr_signal_wait_pollfd(&fd, 1, -1, &numfds); },
            post_to_exporter),
        RSMERR_INTERRUPTED);
    EXPECT_EQ(numfds, 0);
    ASSERT_EQ(rsm_memseg_release_pollfd(segment.exported()), RSM_SUCCESS);
    // An interrupted wait took nothing; the next event is waited for as
    // usual.
    ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 20000), RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSMERR_TIMEOUT);
  });
}

TEST_P(SignalTest, GetPollfdRefusesBadHandlesAndFillsTheStruct) {
  RunCase([](Nodes& nodes) {
    pollfd fd{-7, 0, 0};
    EXPECT_EQ(rsm_memseg_get_pollfd(nullptr, &fd), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_get_pollfd(NotAHandle<void*>(), &fd),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_get_pollfd(nullptr, nullptr), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(fd.fd, -7) << "written on failure";
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    EXPECT_EQ(rsm_memseg_get_pollfd(segment.exported(), nullptr),
              RSMERR_BAD_ADDR);
    pollfd exported{-1, 0, POLLERR};
    pollfd imported{-1, 0, POLLERR};
    ASSERT_EQ(rsm_memseg_get_pollfd(segment.exported(), &exported),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_get_pollfd(segment.imported(), &imported),
              RSM_SUCCESS);
    for (const pollfd& got : {exported, imported}) {
      EXPECT_GE(got.fd, 0);
      EXPECT_EQ(got.events, POLLRDNORM);
      EXPECT_EQ(got.revents, 0);
    }
    EXPECT_NE(exported.fd, imported.fd);
    // Again: the same descriptor, one more reference.
    pollfd again{};
    ASSERT_EQ(rsm_memseg_get_pollfd(segment.exported(), &again), RSM_SUCCESS);
    EXPECT_EQ(again.fd, exported.fd);
    EXPECT_EQ(again.events, POLLRDNORM);
    // Any live handle, published or not (Solaris did not check either).
    Pages memory(1);
    rsm_memseg_export_handle_t created = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &created,
                                       memory.data(), memory.size(), 0),
              RSM_SUCCESS);
    pollfd unpublished{};
    EXPECT_EQ(rsm_memseg_get_pollfd(created, &unpublished), RSM_SUCCESS);
    EXPECT_EQ(unpublished.events, POLLRDNORM);
    EXPECT_EQ(rsm_memseg_release_pollfd(created), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_destroy(created), RSM_SUCCESS);
  });
}

TEST_P(SignalTest, ReleasePollfdRefusesBadHandlesAndNeverGoesBelowZero) {
  RunCase([](Nodes& nodes) {
    EXPECT_EQ(rsm_memseg_release_pollfd(nullptr), RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_release_pollfd(NotAHandle<void*>()),
              RSMERR_BAD_SEG_HNDL);
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    for (void* handle : {static_cast<void*>(segment.exported()),
                         static_cast<void*>(segment.imported())}) {
      // Released with none held: no error, and the count stays at 0 ...
      for (int i = 0; i < 3; ++i) {
        EXPECT_EQ(rsm_memseg_release_pollfd(handle), RSM_SUCCESS);
      }
      // ... so one get makes it 1 (not -2), which holds the segment.
      pollfd fd{};
      ASSERT_EQ(rsm_memseg_get_pollfd(handle, &fd), RSM_SUCCESS);
    }
    EXPECT_EQ(rsm_memseg_import_disconnect(segment.imported()),
              RSMERR_POLLFD_IN_USE);
    EXPECT_EQ(rsm_memseg_export_destroy(segment.exported()),
              RSMERR_POLLFD_IN_USE);
    EXPECT_EQ(rsm_memseg_release_pollfd(segment.imported()), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_import_disconnect(segment.imported()), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_release_pollfd(segment.exported()), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_destroy(segment.exported()), RSM_SUCCESS);
    // Gone: releasing is a bad handle now.
    EXPECT_EQ(rsm_memseg_release_pollfd(segment.exported()),
              RSMERR_BAD_SEG_HNDL);
    EXPECT_EQ(rsm_memseg_release_pollfd(segment.imported()),
              RSMERR_BAD_SEG_HNDL);
  });
}

TEST_P(SignalTest, PollfdInUseUntilReleasedAsOftenAsGot) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    constexpr int kGets = 3;
    for (int i = 0; i < kGets; ++i) {
      pollfd fd{};
      ASSERT_EQ(rsm_memseg_get_pollfd(segment.exported(), &fd), RSM_SUCCESS);
      ASSERT_EQ(rsm_memseg_get_pollfd(segment.imported(), &fd), RSM_SUCCESS);
    }
    for (int i = 0; i < kGets; ++i) {
      EXPECT_EQ(rsm_memseg_import_disconnect(segment.imported()),
                RSMERR_POLLFD_IN_USE)
          << "after " << i << " releases";
      EXPECT_EQ(rsm_memseg_export_destroy(segment.exported()),
                RSMERR_POLLFD_IN_USE)
          << "after " << i << " releases";
      // Refused, not half done: both still work.
      ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
      ASSERT_EQ(rsm_intr_signal_wait(segment.exported(), 20000), RSM_SUCCESS);
      ASSERT_EQ(rsm_intr_signal_post(segment.exported(), 0), RSM_SUCCESS);
      ASSERT_EQ(rsm_intr_signal_wait(segment.imported(), 20000), RSM_SUCCESS);
      ASSERT_EQ(rsm_memseg_release_pollfd(segment.exported()), RSM_SUCCESS);
      ASSERT_EQ(rsm_memseg_release_pollfd(segment.imported()), RSM_SUCCESS);
    }
    // Unpublish is not refused (Solaris's code did not either).
    EXPECT_EQ(rsm_memseg_import_disconnect(segment.imported()), RSM_SUCCESS);
    pollfd fd{};
    ASSERT_EQ(rsm_memseg_get_pollfd(segment.exported(), &fd), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_unpublish(segment.exported()), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_destroy(segment.exported()),
              RSMERR_POLLFD_IN_USE);
    ASSERT_EQ(rsm_memseg_release_pollfd(segment.exported()), RSM_SUCCESS);
    EXPECT_EQ(rsm_memseg_export_destroy(segment.exported()), RSM_SUCCESS);
  });
}

TEST_P(SignalTest, WaitPollfdConsumesRsmEventsAndPassesOtherFdsThrough) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    pollfd fds[3] = {};
    ASSERT_EQ(rsm_memseg_get_pollfd(segment.exported(), &fds[0]), RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_get_pollfd(segment.imported(), &fds[1]), RSM_SUCCESS);
    fds[2] = {pipe_fds[0], POLLIN, 0};
    int numfds = -1;

    // Nothing ready: RSMERR_TIMEOUT and none counted.
    for (int timeout : {0, 1, 10}) {
      numfds = -1;
      EXPECT_EQ(rsm_intr_signal_wait_pollfd(fds, 3, timeout, &numfds),
                RSMERR_TIMEOUT)
          << "timeout " << timeout;
      EXPECT_EQ(numfds, 0);
    }
    EXPECT_EQ(rsm_intr_signal_wait_pollfd(fds, 3, 0, nullptr), RSMERR_BAD_ADDR);

    // One event on the export: consumed, reported as POLLRDNORM.
    ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    ASSERT_EQ(rsm_intr_signal_wait_pollfd(fds, 3, 20000, &numfds), RSM_SUCCESS);
    EXPECT_EQ(numfds, 1);
    EXPECT_EQ(fds[0].revents, POLLRDNORM);
    EXPECT_EQ(fds[1].revents, 0);
    EXPECT_EQ(fds[2].revents, 0);
    EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSMERR_TIMEOUT)
        << "the event was not consumed";

    // The pipe alone: passed through as poll(2) reports it, not read.
    ASSERT_EQ(write(pipe_fds[1], "x", 1), 1);
    ASSERT_EQ(rsm_intr_signal_wait_pollfd(fds, 3, 20000, &numfds), RSM_SUCCESS);
    EXPECT_EQ(numfds, 1);
    EXPECT_EQ(fds[0].revents, 0);
    EXPECT_EQ(fds[1].revents, 0);
    EXPECT_EQ(fds[2].revents, POLLIN);
    EXPECT_TRUE(Readable(pipe_fds[0])) << "the pipe's byte was taken";

    // Everything at once: two RSM events (one each) and the pipe.
    ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    ASSERT_EQ(rsm_intr_signal_post(segment.exported(), 0), RSM_SUCCESS);
    ASSERT_EQ(rsm_intr_signal_post(segment.exported(), 0), RSM_SUCCESS);
    Settle(segment.imported());
    ASSERT_EQ(rsm_intr_signal_wait_pollfd(fds, 3, 0, &numfds), RSM_SUCCESS);
    EXPECT_EQ(numfds, 3);
    EXPECT_EQ(fds[0].revents, POLLRDNORM);
    EXPECT_EQ(fds[1].revents, POLLRDNORM);
    EXPECT_EQ(fds[2].revents, POLLIN);
    // One event each was taken: the import has one left.
    EXPECT_EQ(Drain(segment.exported()), 0);
    char byte;
    ASSERT_EQ(read(pipe_fds[0], &byte, 1), 1);
    ASSERT_EQ(rsm_intr_signal_wait_pollfd(fds, 3, 0, &numfds), RSM_SUCCESS);
    EXPECT_EQ(numfds, 1);
    EXPECT_EQ(fds[1].revents, POLLRDNORM);
    EXPECT_EQ(rsm_intr_signal_wait_pollfd(fds, 3, 0, &numfds), RSMERR_TIMEOUT);
    EXPECT_EQ(numfds, 0);

    // A released pollfd is no RSM descriptor any more: poll(2) semantics,
    // the event stays pending.
    ASSERT_EQ(rsm_memseg_release_pollfd(segment.exported()), RSM_SUCCESS);
    ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    ASSERT_EQ(rsm_intr_signal_wait_pollfd(fds, 1, 0, &numfds), RSM_SUCCESS);
    EXPECT_EQ(numfds, 1);
    EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSM_SUCCESS);
    EXPECT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSMERR_TIMEOUT);

    ASSERT_EQ(rsm_memseg_release_pollfd(segment.imported()), RSM_SUCCESS);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
  });
}

// The pollfd works with poll(2) and epoll directly: readable exactly while
// an event is pending, next to an ordinary pipe.
TEST_P(SignalTest, PollfdIsReadableExactlyWhileAnEventIsPending) {
  RunCase([](Nodes& nodes) {
    Imported segment(nodes);
    ASSERT_TRUE(segment.ok());
    int pipe_fds[2];
    ASSERT_EQ(pipe(pipe_fds), 0);
    pollfd exported{}, imported{};
    ASSERT_EQ(rsm_memseg_get_pollfd(segment.exported(), &exported),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_get_pollfd(segment.imported(), &imported),
              RSM_SUCCESS);

    // poll(2), both directions, counts up to 3 and back.
    EXPECT_FALSE(Readable(exported.fd));
    EXPECT_FALSE(Readable(imported.fd));
    for (int n = 1; n <= 3; ++n) {
      for (int i = 0; i < n; ++i) {
        ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
        ASSERT_EQ(rsm_intr_signal_post(segment.exported(), 0), RSM_SUCCESS);
      }
      Settle(segment.imported());
      for (int left = n; left > 0; --left) {
        EXPECT_TRUE(Readable(exported.fd)) << left << " pending of " << n;
        EXPECT_TRUE(Readable(imported.fd)) << left << " pending of " << n;
        ASSERT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSM_SUCCESS);
        ASSERT_EQ(rsm_intr_signal_wait(segment.imported(), 0), RSM_SUCCESS);
      }
      EXPECT_FALSE(Readable(exported.fd)) << "none pending of " << n;
      EXPECT_FALSE(Readable(imported.fd)) << "none pending of " << n;
    }
    // A poll(2) with a timeout wakes for a post from another thread.
    std::thread poster([&] {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
      EXPECT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    });
    pollfd watched[2] = {exported, {pipe_fds[0], POLLIN, 0}};
    ASSERT_EQ(poll(watched, 2, 20000), 1);
    EXPECT_EQ(watched[0].revents, POLLRDNORM);
    EXPECT_EQ(watched[1].revents, 0);
    poster.join();
    ASSERT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSM_SUCCESS);

    // epoll, level-triggered, the export's and the import's pollfds next to
    // the pipe.
    const int epoll = epoll_create1(EPOLL_CLOEXEC);
    ASSERT_GE(epoll, 0);
    for (int fd : {exported.fd, imported.fd, pipe_fds[0]}) {
      epoll_event event{};
      event.events = fd == pipe_fds[0] ? EPOLLIN : EPOLLRDNORM;
      event.data.fd = fd;
      ASSERT_EQ(epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &event), 0);
    }
    auto ready = [&] {
      epoll_event events[4];
      const int n = epoll_wait(epoll, events, 4, 0);
      std::vector<int> fds;
      for (int i = 0; i < n; ++i) fds.push_back(events[i].data.fd);
      std::sort(fds.begin(), fds.end());
      return fds;
    };
    auto sorted = [](std::vector<int> fds) {
      std::sort(fds.begin(), fds.end());
      return fds;
    };
    EXPECT_EQ(ready(), std::vector<int>{});
    ASSERT_EQ(write(pipe_fds[1], "x", 1), 1);
    EXPECT_EQ(ready(), std::vector<int>{pipe_fds[0]});
    ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    ASSERT_EQ(rsm_intr_signal_post(segment.imported(), 0), RSM_SUCCESS);
    EXPECT_EQ(ready(), sorted({exported.fd, pipe_fds[0]}));
    ASSERT_EQ(rsm_intr_signal_post(segment.exported(), 0), RSM_SUCCESS);
    Settle(segment.imported());
    EXPECT_EQ(ready(), sorted({exported.fd, imported.fd, pipe_fds[0]}));
    ASSERT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSM_SUCCESS);
    // One left on the export: still ready (level-triggered).
    EXPECT_EQ(ready(), sorted({exported.fd, imported.fd, pipe_fds[0]}));
    ASSERT_EQ(rsm_intr_signal_wait(segment.exported(), 0), RSM_SUCCESS);
    EXPECT_EQ(ready(), sorted({imported.fd, pipe_fds[0]}));
    int numfds = 0;
    pollfd just_import = imported;
    ASSERT_EQ(rsm_intr_signal_wait_pollfd(&just_import, 1, 0, &numfds),
              RSM_SUCCESS);
    EXPECT_EQ(ready(), std::vector<int>{pipe_fds[0]});
    char byte;
    ASSERT_EQ(read(pipe_fds[0], &byte, 1), 1);
    EXPECT_EQ(ready(), std::vector<int>{});
    close(epoll);

    ASSERT_EQ(rsm_memseg_release_pollfd(segment.exported()), RSM_SUCCESS);
    ASSERT_EQ(rsm_memseg_release_pollfd(segment.imported()), RSM_SUCCESS);
    close(pipe_fds[0]);
    close(pipe_fds[1]);
  });
}

INSTANTIATE_TEST_SUITE_P(Setups, SignalTest, ::testing::ValuesIn(AllSetups()),
                         SetupParamName);

// ---------------------------------------------------------------------------
// Three nodes, and a stopped exporter (rsm/testing/n_nodes.h).

void OnCluster(const char* name, int nodes,
               const std::function<void(transport::EngineOptions&)>& adjust,
               const std::function<void(NodeCluster&)>& body,
               int timeout_seconds = 60) {
  EXPECT_TRUE(RunInChildProcess(
      [&] {
        ASSERT_TRUE(
            InitEalKeepingAffinity(absl::StrCat(name, getpid()).c_str()));
        absl::StatusOr<std::unique_ptr<NodeCluster>> cluster =
            NodeCluster::Create(name, nodes, adjust);
        ASSERT_TRUE(cluster.ok()) << cluster.status();
        body(**cluster);
      },
      timeout_seconds));
}

TEST(ThreeNodes, AnExportersPostReachesEveryImporterOnce) {
  OnCluster("sig3", 3, {}, [](NodeCluster& cluster) {
    // Node 1 exports; nodes 1 (itself, through its port), 2 and 3 import,
    // node 2 twice.
    Pages memory(1);
    rsm_memseg_export_handle_t exported = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(cluster.handle(1), &exported,
                                       memory.data(), memory.size(), 0),
              RSM_SUCCESS);
    rsm_memseg_id_t id = kId;
    ASSERT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
              RSM_SUCCESS);
    std::vector<rsm_memseg_import_handle_t> imports;
    for (int node : {1, 2, 2, 3}) {
      rsm_memseg_import_handle_t imported = nullptr;
      ASSERT_EQ(rsm_memseg_import_connect(cluster.handle(node), 1, id,
                                          RSM_PERM_RDWR, &imported),
                RSM_SUCCESS)
          << "node " << node;
      imports.push_back(imported);
    }
    for (uint_t flags : {0u, static_cast<uint_t>(RSM_SIGPOST_NO_ACCUMULATE)}) {
      SCOPED_TRACE(flags == 0 ? "accumulating" : "not accumulating");
      ASSERT_EQ(rsm_intr_signal_post(exported, flags), RSM_SUCCESS);
      for (rsm_memseg_import_handle_t imported : imports) Settle(imported);
      for (size_t i = 0; i < imports.size(); ++i) {
        EXPECT_EQ(Drain(imports[i]), 1) << "import " << i;
      }
      EXPECT_EQ(rsm_intr_signal_wait(exported, 0), RSMERR_TIMEOUT);
    }
    // Three posts without accumulating: still one each.
    for (int i = 0; i < 3; ++i) {
      ASSERT_EQ(rsm_intr_signal_post(exported, RSM_SIGPOST_NO_ACCUMULATE),
                RSM_SUCCESS);
    }
    for (rsm_memseg_import_handle_t imported : imports) Settle(imported);
    for (size_t i = 0; i < imports.size(); ++i) {
      EXPECT_EQ(Drain(imports[i]), 1) << "import " << i;
    }
    // Every importer's post reaches the exporter.
    for (rsm_memseg_import_handle_t imported : imports) {
      ASSERT_EQ(rsm_intr_signal_post(imported, 0), RSM_SUCCESS);
    }
    EXPECT_EQ(Drain(exported), static_cast<int>(imports.size()));
    // A disconnected import is rung no more.
    ASSERT_EQ(rsm_memseg_import_disconnect(imports[3]), RSM_SUCCESS);
    imports.pop_back();
    ASSERT_EQ(rsm_intr_signal_post(exported, 0), RSM_SUCCESS);
    for (rsm_memseg_import_handle_t imported : imports) Settle(imported);
    for (size_t i = 0; i < imports.size(); ++i) {
      EXPECT_EQ(Drain(imports[i]), 1) << "import " << i;
    }
  });
}

TEST(StoppedExporter, PostIsUnreachableThenConnAborted) {
  OnCluster("sigstop", 2, {}, [](NodeCluster& cluster) {
    Pages memory(1);
    rsm_memseg_export_handle_t exported = nullptr;
    ASSERT_EQ(rsm_memseg_export_create(cluster.handle(2), &exported,
                                       memory.data(), memory.size(), 0),
              RSM_SUCCESS);
    rsm_memseg_id_t id = kId;
    ASSERT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
              RSM_SUCCESS);
    rsm_memseg_import_handle_t imported = nullptr;
    ASSERT_EQ(rsm_memseg_import_connect(cluster.handle(1), 2, id, RSM_PERM_RDWR,
                                        &imported),
              RSM_SUCCESS);
    ASSERT_EQ(rsm_intr_signal_post(imported, 0), RSM_SUCCESS);
    cluster.Stop(2);
    // In flight when node 1 gives node 2 up (after unreachable_after):
    // the node did not answer.
    EXPECT_EQ(WithinDeadline("a post to a stopped node",
                             [&] { return rsm_intr_signal_post(imported, 0); }),
              RSMERR_REMOTE_NODE_UNREACHABLE);
    // The engine fails what was in flight, then ends the node's
    // connections: a post in between still meets the unreachable node.
    // From then on the connection is known to be lost.
    int rc = RSM_SUCCESS;
    ASSERT_TRUE(WaitFor([&] {
      rc = rsm_intr_signal_post(imported, 0);
      return rc != RSMERR_REMOTE_NODE_UNREACHABLE;
    })) << "the connection to a lost node never ended";
    EXPECT_EQ(rc, RSMERR_CONN_ABORTED);
    EXPECT_EQ(rsm_intr_signal_post(imported, 0), RSMERR_CONN_ABORTED);
    EXPECT_EQ(rsm_intr_signal_post(imported, RSM_SIGPOST_NO_ACCUMULATE),
              RSMERR_CONN_ABORTED);
    // Nothing can signal a lost connection: a wait returns at once.
    const absl::Time before_wait = absl::Now();
    EXPECT_EQ(rsm_intr_signal_wait(imported, 5000), RSMERR_CONN_ABORTED);
    EXPECT_LT(absl::Now() - before_wait, absl::Seconds(1));
    EXPECT_EQ(rsm_memseg_import_disconnect(imported), RSM_SUCCESS);
  });
}

}  // namespace
}  // namespace rsm::testing
