// SPDX-License-Identifier: BSD-3-Clause
// fork() with a DPDK controller open: the child gets clean errors from the
// parent's controller (never a hang, never a touch of the parent's port),
// can still use loopback, and exits without disturbing the parent, whose
// controller carries on.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "rsm/rsmapi.h"
#include "transport/testing/child_process.h"

namespace {

using ::rsm::testing::RunInChildProcess;

constexpr size_t kPage = 4096;

// Publishes a page on `controller` and imports it on the same node.
struct SelfImport {
  void* memory = nullptr;
  rsm_memseg_export_handle_t exported = nullptr;
  rsm_memseg_import_handle_t imported = nullptr;
};

void ImportOwnPage(rsmapi_controller_handle_t controller, rsm_memseg_id_t id,
                   SelfImport* self) {
  self->memory = mmap(nullptr, kPage, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(self->memory, MAP_FAILED);
  ASSERT_EQ(rsm_memseg_export_create(controller, &self->exported, self->memory,
                                     kPage, 0),
            RSM_SUCCESS);
  ASSERT_EQ(rsm_memseg_export_publish(self->exported, &id, nullptr, 0),
            RSM_SUCCESS);
  ASSERT_EQ(rsm_memseg_import_connect(controller, 1, id, RSM_PERM_RDWR,
                                      &self->imported),
            RSM_SUCCESS);
}

// rsm_get_controller takes a char*, not a const one.
char kDpdk0[] = "dpdk0";
char kLoopback[] = "loopback";

// What the child of a process with dpdk0 open may and may not do. Exits 0
// when all went as expected, 1 otherwise.
[[noreturn]] void InTheChild(rsm_memseg_import_handle_t parents_import) {
  bool ok = true;
  uint64_t word = 42;
  const absl::Time start = absl::Now();
  // The parent's connection: refused at once, the parent's port untouched.
  ok &= rsm_memseg_import_put(parents_import, 0, &word, sizeof word) ==
        RSMERR_CONN_ABORTED;
  ok &= rsm_memseg_import_get(parents_import, 0, &word, sizeof word) ==
        RSMERR_CONN_ABORTED;
  rsmapi_controller_handle_t controller = nullptr;
  ok &= rsm_get_controller(kDpdk0, &controller) == RSMERR_CTLR_NOT_PRESENT;
  ok &= absl::Now() - start < absl::Seconds(2);
  // loopback needs no DPDK.
  ok &= rsm_get_controller(kLoopback, &controller) == RSM_SUCCESS;
  SelfImport local;
  ImportOwnPage(controller, 0x400010, &local);
  ok &= local.imported != nullptr &&
        rsm_memseg_import_put(local.imported, 8, &word, sizeof word) ==
            RSM_SUCCESS &&
        std::memcmp(static_cast<char*>(local.memory) + 8, &word, sizeof word) ==
            0;
  // exit(), not _exit(): the library's exit handlers run in the child too
  // and must neither hang nor close the parent's port.
  std::exit(ok ? 0 : 1);
}

TEST(Fork, ChildGetsCleanErrorsAndTheParentCarriesOn) {
  EXPECT_TRUE(RunInChildProcess([] {
    unsetenv("RSM_CONFIG");  // the embedded default: dpdk0 on net_ring
    rsmapi_controller_handle_t controller = nullptr;
    ASSERT_EQ(rsm_get_controller(kDpdk0, &controller), RSM_SUCCESS);
    SelfImport self;
    ImportOwnPage(controller, 0x400001, &self);
    uint64_t word = 7;
    ASSERT_EQ(rsm_memseg_import_put(self.imported, 0, &word, sizeof word),
              RSM_SUCCESS);

    const pid_t child = fork();
    ASSERT_GE(child, 0);
    if (child == 0) InTheChild(self.imported);
    int status = 0;
    ASSERT_EQ(waitpid(child, &status, 0), child);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0)
        << "child status " << status;

    // The parent's controller and port are as they were.
    word = 9;
    EXPECT_EQ(rsm_memseg_import_put(self.imported, 0, &word, sizeof word),
              RSM_SUCCESS);
    uint64_t back = 0;
    EXPECT_EQ(rsm_memseg_import_get(self.imported, 0, &back, sizeof back),
              RSM_SUCCESS);
    EXPECT_EQ(back, 9u);
    EXPECT_EQ(std::memcmp(self.memory, &word, sizeof word), 0);
  }));
}

}  // namespace
