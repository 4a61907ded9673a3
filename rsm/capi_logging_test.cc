// SPDX-License-Identifier: BSD-3-Clause
// Failing calls explain themselves: with `--log-level=rsm.*:debug` in the
// cluster file's EAL arguments, the reason behind each error code reaches
// DPDK's log (rsm.core); at the default level nothing is written. Each case
// runs in a child process with its own configuration, its output sent to a
// file that the case then reads.
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "transport/testing/child_process.h"
#include "transport/testing/test_files.h"

namespace {

using ::rsm::testing::RunInChildProcess;
using ::rsm::testing::TestFilePath;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr size_t kPage = 4096;

// One node with dpdk0 on a net_ring port that loops back to itself, and
// `log_level` appended to the EAL arguments.
void UseConfigWithLogLevel(const std::string& log_level) {
  const std::string path = TestFilePath(absl::StrCat("log", getpid(), ".ini"));
  std::ofstream(path) << "[cluster]\nnode_id = 1\n\n[eal]\nargs = --no-huge "
                         "--no-pci -m 256 --no-shconf --no-telemetry "
                      << "--file-prefix=rsmlog" << getpid() << " -l 0 "
                      << log_level << "\n\n[controller.dpdk0]\ndevice = "
                      << "net_ring0\n";
  setenv("RSM_CONFIG", path.c_str(), 1);
}

// Sends this process's stdout and stderr (where DPDK's log goes before and
// after EAL is up) to a file until Read().
class CapturedOutput {
 public:
  CapturedOutput()
      : path_(TestFilePath(absl::StrCat("out", getpid(), ".log"))) {
    fflush(stdout);
    fflush(stderr);
    saved_out_ = dup(STDOUT_FILENO);
    saved_err_ = dup(STDERR_FILENO);
    const int fd = open(path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    close(fd);
  }

  // Restores the streams and returns what was written meanwhile.
  std::string Read() {
    fflush(stdout);
    fflush(stderr);
    dup2(saved_out_, STDOUT_FILENO);
    dup2(saved_err_, STDERR_FILENO);
    close(saved_out_);
    close(saved_err_);
    std::stringstream text;
    text << std::ifstream(path_).rdbuf();
    return text.str();
  }

 private:
  std::string path_;
  int saved_out_;
  int saved_err_;
};

char* Dpdk0() {
  static char name[] = "dpdk0";
  return name;
}

// A refused connect, an out-of-range put and a put on a connection the
// exporter ended, each with the code the C API documents.
void FailThreeCalls() {
  rsmapi_controller_handle_t controller = nullptr;
  ASSERT_EQ(rsm_get_controller(Dpdk0(), &controller), RSM_SUCCESS);
  void* memory = mmap(nullptr, 2 * kPage, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(memory, MAP_FAILED);
  rsm_memseg_export_handle_t only_node2 = nullptr;
  rsm_memseg_export_handle_t open_to_all = nullptr;
  ASSERT_EQ(rsm_memseg_export_create(controller, &only_node2, memory, kPage, 0),
            RSM_SUCCESS);
  ASSERT_EQ(
      rsm_memseg_export_create(controller, &open_to_all,
                               static_cast<char*>(memory) + kPage, kPage, 0),
      RSM_SUCCESS);
  rsmapi_access_entry_t node2{2, RSM_PERM_RDWR};
  rsm_memseg_id_t refusing = 0x400001;
  rsm_memseg_id_t open = 0x400002;
  ASSERT_EQ(rsm_memseg_export_publish(only_node2, &refusing, &node2, 1),
            RSM_SUCCESS);
  ASSERT_EQ(rsm_memseg_export_publish(open_to_all, &open, nullptr, 0),
            RSM_SUCCESS);

  rsm_memseg_import_handle_t refused = nullptr;
  EXPECT_EQ(rsm_memseg_import_connect(controller, 1, refusing, RSM_PERM_RDWR,
                                      &refused),
            RSMERR_SEG_NOT_PUBLISHED_TO_NODE);

  rsm_memseg_import_handle_t import = nullptr;
  ASSERT_EQ(
      rsm_memseg_import_connect(controller, 1, open, RSM_PERM_RDWR, &import),
      RSM_SUCCESS);
  char byte = 1;
  EXPECT_EQ(rsm_memseg_import_put(import, kPage, &byte, 1), RSMERR_BAD_LENGTH);

  ASSERT_EQ(rsm_memseg_export_unpublish(open_to_all), RSM_SUCCESS);
  // The REVOKE crosses the port; until it has, a put may still succeed.
  int put = RSM_SUCCESS;
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while (put == RSM_SUCCESS && absl::Now() < deadline) {
    put = rsm_memseg_import_put(import, 0, &byte, 1);
  }
  EXPECT_EQ(put, RSMERR_CONN_ABORTED);
}

std::string Reason(int code, const char* name, const std::string& why) {
  return absl::StrCat("rsm.core: ", name, " (", code, "): ", why);
}

TEST(DebugLog, NamesTheReasonForEachFailingCall) {
  EXPECT_TRUE(RunInChildProcess([] {
    UseConfigWithLogLevel("--log-level=rsm.*:debug");
    CapturedOutput output;
    FailThreeCalls();
    const std::string log = output.Read();
    EXPECT_THAT(log, HasSubstr(Reason(RSMERR_SEG_NOT_PUBLISHED_TO_NODE,
                                      "RSMERR_SEG_NOT_PUBLISHED_TO_NODE",
                                      "connect: not published to this node")))
        << log;
    EXPECT_THAT(log, HasSubstr(Reason(RSMERR_BAD_LENGTH, "RSMERR_BAD_LENGTH",
                                      "range outside the segment")))
        << log;
    EXPECT_THAT(log,
                HasSubstr(Reason(RSMERR_CONN_ABORTED, "RSMERR_CONN_ABORTED",
                                 "the connection was lost")))
        << log;
  }));
}

TEST(DebugLog, IsSilentAtTheDefaultLevel) {
  EXPECT_TRUE(RunInChildProcess([] {
    UseConfigWithLogLevel("--log-level=*:warning");
    CapturedOutput output;
    FailThreeCalls();
    const std::string log = output.Read();
    EXPECT_THAT(log, Not(HasSubstr("rsm.core:"))) << log;
  }));
}

}  // namespace
