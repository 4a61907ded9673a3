// SPDX-License-Identifier: BSD-3-Clause
#include "benchmarks/pair/control.h"

#include <errno.h>
#include <poll.h>
#include <unistd.h>

namespace rsm::bench {
namespace {

bool WriteAll(int fd, const void* data, size_t size) {
  const char* at = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = write(fd, at, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

bool ReadAll(int fd, void* data, size_t size) {
  char* at = static_cast<char*>(data);
  while (size > 0) {
    const ssize_t n = read(fd, at, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    at += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Reply Control::Ask(Command command) {
  Reply reply;
  if (!WriteAll(fd_, &command, sizeof command) ||
      !ReadAll(fd_, &reply, sizeof reply)) {
    reply.status = -EPIPE;
  }
  return reply;
}

bool Control::Next(Command* command, int timeout_ms) {
  pollfd ready{fd_, POLLIN, 0};
  const int n = poll(&ready, 1, timeout_ms);
  if (n == 0) return false;
  if (n < 0 || !ReadAll(fd_, command, sizeof *command)) {
    *command = Command::kQuit;
  }
  return true;
}

void Control::Answer(const Reply& reply) {
  WriteAll(fd_, &reply, sizeof reply);
}

}  // namespace rsm::bench
