// SPDX-License-Identifier: BSD-3-Clause
// Connections ended under an importer that is busy on another thread
// (unpublish, destroy, the exporter's node stopping), on loopback, on the
// embedded default's dpdk0 and across two nodes (rsm/testing/capi_setups.h);
// and a data-integrity smoke across two nodes (its 16 MiB version is
// transport/segments'). Each case runs in a forked child.
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/functional/function_ref.h"
#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "rsm/testing/capi_setups.h"

namespace rsm::testing {
namespace {

constexpr rsm_memseg_id_t kId = 0x400abc;

// How long a step may take before the case gives up on it: far above what
// any step needs, only there so that a hang fails instead of blocking.
constexpr auto kDeadline = std::chrono::seconds(20);

// Waits until `done` or kDeadline; returns done().
bool WaitFor(absl::FunctionRef<bool()> done) {
  const auto deadline = std::chrono::steady_clock::now() + kDeadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// A call blocked past the deadline cannot be joined: report and leave.
[[noreturn]] void FailHung(const char* what) {
  ADD_FAILURE() << what << " did not return within "
                << std::chrono::seconds(kDeadline).count() << " s";
  std::fflush(nullptr);
  _exit(1);
}

// Puts and gets (checking what it gets back) on an import from a thread of
// its own until a call fails; then a few more calls, which must fail too:
// an ended connection stays ended.
class BusyImporter {
 public:
  explicit BusyImporter(rsm_memseg_import_handle_t imported)
      : imported_(imported), thread_([this] { Run(); }) {}
  ~BusyImporter() {
    if (thread_.joinable()) thread_.join();
  }

  int successes() const { return successes_.load(); }
  bool finished() const { return finished_.load(); }
  // After finished():
  int first_error() const { return first_error_; }
  const std::vector<int>& later_errors() const { return later_errors_; }
  int mismatches() const { return mismatches_; }

 private:
  void Run() {
    for (uint32_t i = 0;; ++i) {
      uint8_t out[64], in[64];
      std::memset(out, static_cast<int>(i), sizeof out);
      const off_t offset = static_cast<off_t>((i % 64) * sizeof out);
      int rc = rsm_memseg_import_put(imported_, offset, out, sizeof out);
      if (rc == RSM_SUCCESS) {
        rc = rsm_memseg_import_get(imported_, offset, in, sizeof in);
        if (rc == RSM_SUCCESS && std::memcmp(in, out, sizeof in) != 0) {
          ++mismatches_;
        }
      }
      if (rc != RSM_SUCCESS) {
        first_error_ = rc;
        break;
      }
      successes_.fetch_add(1);
    }
    uint8_t bytes[8] = {};
    uint32_t words[2] = {};
    later_errors_ = {
        rsm_memseg_import_put(imported_, 0, bytes, sizeof bytes),
        rsm_memseg_import_get(imported_, 0, bytes, sizeof bytes),
        rsm_memseg_import_put32(imported_, 0, words, 2),
        rsm_memseg_import_get32(imported_, 0, words, 2),
    };
    finished_.store(true);
  }

  const rsm_memseg_import_handle_t imported_;
  std::atomic<int> successes_{0};
  std::atomic<bool> finished_{false};
  int first_error_ = RSM_SUCCESS;
  std::vector<int> later_errors_;
  int mismatches_ = 0;
  std::thread thread_;  // last: starts once the rest is built
};

enum class Cause { kUnpublish, kDestroy, kStopExporter };

struct RevocationCase {
  SetupKind setup;
  Cause cause;
};

std::string CaseName(const ::testing::TestParamInfo<RevocationCase>& info) {
  const char* cause = info.param.cause == Cause::kUnpublish ? "Unpublish"
                      : info.param.cause == Cause::kDestroy ? "Destroy"
                                                            : "StopExporter";
  return SetupName(info.param.setup) + cause;
}

class Revocation : public ::testing::TestWithParam<RevocationCase> {};

bool IsConnectionLost(int rc, Cause cause) {
  return rc == RSMERR_CONN_ABORTED || (cause == Cause::kStopExporter &&
                                       rc == RSMERR_REMOTE_NODE_UNREACHABLE);
}

TEST_P(Revocation, EndsTheCallsOfABusyImporter) {
  const RevocationCase param = GetParam();
  EXPECT_TRUE(RunOn(
      param.setup,
      [&param](Nodes& nodes) {
        Pages memory(2);
        rsm_memseg_id_t id = kId;
        rsm_memseg_export_handle_t exported =
            ExportAndPublish(nodes, memory, &id);
        ASSERT_NE(exported, nullptr);
        rsm_memseg_import_handle_t imported = Connect(nodes, id);
        ASSERT_NE(imported, nullptr);
        {
          BusyImporter busy(imported);
          if (!WaitFor(
                  [&] { return busy.successes() >= 20 || busy.finished(); })) {
            FailHung("put/get before the revocation");
          }
          ASSERT_FALSE(busy.finished())
              << "failed before the revocation: " << busy.first_error();
          switch (param.cause) {
            case Cause::kUnpublish:
              ASSERT_EQ(rsm_memseg_export_unpublish(exported), RSM_SUCCESS);
              break;
            case Cause::kDestroy:
              ASSERT_EQ(rsm_memseg_export_destroy(exported), RSM_SUCCESS);
              break;
            case Cause::kStopExporter:
              nodes.two_nodes()->Stop(2);
              break;
          }
          if (!WaitFor([&] { return busy.finished(); })) {
            FailHung("put/get after the revocation");
          }
          EXPECT_TRUE(IsConnectionLost(busy.first_error(), param.cause))
              << busy.first_error();
          for (int rc : busy.later_errors()) {
            EXPECT_TRUE(IsConnectionLost(rc, param.cause)) << rc;
          }
          EXPECT_EQ(busy.mismatches(), 0);
        }
        rsm_memseg_import_handle_t again = nullptr;
        if (param.cause == Cause::kStopExporter) {
          // Nobody answers on node 2 any more.
          EXPECT_EQ(rsm_memseg_import_connect(nodes.importer(), 2, id,
                                              RSM_PERM_RDWR, &again),
                    RSMERR_REMOTE_NODE_UNREACHABLE);
          EXPECT_EQ(rsm_memseg_import_disconnect(imported), RSM_SUCCESS);
          return;
        }
        // Published again: the old connection stays ended, a new one works.
        if (param.cause == Cause::kDestroy) {
          ASSERT_EQ(rsm_memseg_export_create(nodes.exporter(), &exported,
                                             memory.data(), memory.size(), 0),
                    RSM_SUCCESS);
        }
        ASSERT_EQ(rsm_memseg_export_publish(exported, &id, nullptr, 0),
                  RSM_SUCCESS);
        uint8_t bytes[16] = {};
        EXPECT_EQ(rsm_memseg_import_put(imported, 0, bytes, sizeof bytes),
                  RSMERR_CONN_ABORTED);
        EXPECT_EQ(rsm_memseg_import_disconnect(imported), RSM_SUCCESS);
        again = Connect(nodes, id);
        ASSERT_NE(again, nullptr);
        const char text[] = "reconnected";
        ASSERT_EQ(rsm_memseg_import_put(again, 1000, const_cast<char*>(text),
                                        sizeof text),
                  RSM_SUCCESS);
        EXPECT_STREQ(reinterpret_cast<char*>(memory.data() + 1000), text);
        char back[sizeof text] = {};
        ASSERT_EQ(rsm_memseg_import_get(again, 1000, back, sizeof back),
                  RSM_SUCCESS);
        EXPECT_STREQ(back, text);
      },
      60));
}

INSTANTIATE_TEST_SUITE_P(
    Causes, Revocation,
    ::testing::Values(RevocationCase{SetupKind::kLoopback, Cause::kUnpublish},
                      RevocationCase{SetupKind::kLoopback, Cause::kDestroy},
                      RevocationCase{SetupKind::kDpdk0, Cause::kUnpublish},
                      RevocationCase{SetupKind::kDpdk0, Cause::kDestroy},
                      RevocationCase{SetupKind::kTwoNodes, Cause::kUnpublish},
                      RevocationCase{SetupKind::kTwoNodes, Cause::kDestroy},
                      RevocationCase{SetupKind::kTwoNodes,
                                     Cause::kStopExporter}),
    CaseName);

// Random puts and gets (plain, 64-bit, vectored) on a 1 MiB segment across
// two nodes, checked against a model of the segment.
TEST(TwoNodeIntegrity, RandomAccessesMatchAModel) {
  EXPECT_TRUE(RunOn(
      SetupKind::kTwoNodes,
      [](Nodes& nodes) {
        constexpr size_t kSize = size_t{1} << 20;
        Pages memory(kSize / Pages::PageSize());
        rsm_memseg_id_t id = kId;
        ASSERT_NE(ExportAndPublish(nodes, memory, &id), nullptr);
        rsm_memseg_import_handle_t imported = Connect(nodes, id);
        ASSERT_NE(imported, nullptr);
        std::vector<uint8_t> model(kSize, 0);
        std::mt19937 random(20240611);
        auto below = [&random](size_t n) { return random() % n; };
        for (int op = 0; op < 300; ++op) {
          // Mostly small, sometimes several frames' worth.
          const size_t length =
              below(4) == 0 ? 1 + below(192 * 1024) : 1 + below(512);
          const size_t offset = below(kSize - length + 1);
          switch (below(5)) {
            case 0:
            case 1: {
              std::vector<uint8_t> data = Pattern(length, random());
              ASSERT_EQ(
                  rsm_memseg_import_put(imported, offset, data.data(), length),
                  RSM_SUCCESS)
                  << "op " << op;
              std::copy(data.begin(), data.end(), model.begin() + offset);
              break;
            }
            case 2: {
              std::vector<uint8_t> got(length);
              ASSERT_EQ(
                  rsm_memseg_import_get(imported, offset, got.data(), length),
                  RSM_SUCCESS)
                  << "op " << op;
              ASSERT_TRUE(
                  std::equal(got.begin(), got.end(), model.begin() + offset))
                  << "op " << op << ": get of " << length << " at " << offset;
              break;
            }
            case 3: {
              const size_t aligned = offset & ~size_t{7};
              const size_t count = std::max<size_t>(1, length / 8);
              std::vector<uint64_t> words(count);
              ASSERT_EQ(rsm_memseg_import_get64(imported, aligned, words.data(),
                                                count),
                        RSM_SUCCESS)
                  << "op " << op;
              ASSERT_EQ(
                  std::memcmp(words.data(), model.data() + aligned, count * 8),
                  0)
                  << "op " << op;
              for (uint64_t& word : words) word = ~word;
              ASSERT_EQ(rsm_memseg_import_put64(imported, aligned, words.data(),
                                                count),
                        RSM_SUCCESS)
                  << "op " << op;
              std::memcpy(model.data() + aligned, words.data(), count * 8);
              break;
            }
            case 4: {
              // Four pieces of the range, put by one vector.
              std::vector<uint8_t> data = Pattern(length, random());
              std::vector<rsm_iovec_t> entries;
              for (size_t piece = 0; piece < 4; ++piece) {
                const size_t from = length * piece / 4;
                const size_t to = length * (piece + 1) / 4;
                rsm_iovec_t io = {};
                io.io_type = RSM_VA_TYPE;
                io.local.vaddr = reinterpret_cast<caddr_t>(data.data() + from);
                io.remote_offset = offset + from;
                io.transfer_length = to - from;
                entries.push_back(io);
              }
              rsm_scat_gath_t sg = {};
              sg.remote_handle = imported;
              sg.io_request_count = entries.size();
              sg.iovec = entries.data();
              ASSERT_EQ(rsm_memseg_import_putv(&sg), RSM_SUCCESS)
                  << "op " << op;
              std::copy(data.begin(), data.end(), model.begin() + offset);
              break;
            }
          }
        }
        std::vector<uint8_t> whole(kSize);
        ASSERT_EQ(rsm_memseg_import_get(imported, 0, whole.data(), kSize),
                  RSM_SUCCESS);
        EXPECT_TRUE(whole == model) << "the segment read back differs";
        EXPECT_EQ(std::memcmp(memory.data(), model.data(), kSize), 0)
            << "the exporter's memory differs";
      },
      60));
}

}  // namespace
}  // namespace rsm::testing
