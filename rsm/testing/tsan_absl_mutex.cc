// SPDX-License-Identifier: BSD-3-Clause
// ThreadSanitizer cannot see absl::Mutex in this build: Abseil is the
// system's (Debian's libabsl_synchronization.so, compiled without
// -fsanitize=thread), so its Lock and Unlock synchronise through atomics and
// futexes that TSan never observes, and every structure guarded by an
// absl::Mutex (the handle tables, the loopback controller, ...) looks racy.
//
// Linked into a test built with --config=tsan, this file interposes the
// library's out-of-line Mutex members: each one calls the real function
// (found with dlsym(RTLD_NEXT)) between the annotations TSan's own mutex
// interceptors would make (reader locks as reader locks, try-locks as
// try-locks), so TSan checks our code against the locking it really does.
// It hides no access and suppresses no report. Mutex's constructor is
// inline in the header and already annotated when our code is compiled for
// TSan. Without -fsanitize=thread this file is empty.
#if defined(__SANITIZE_THREAD__)

#include <dlfcn.h>
#include <sanitizer/tsan_interface.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "absl/base/config.h"
#include "absl/synchronization/mutex.h"

namespace {

#define TSAN_ABSL_DO_STR(x) #x
#define TSAN_ABSL_STR(x) TSAN_ABSL_DO_STR(x)

// "absl::<inline namespace>::Mutex::<member>" mangled, e.g.
// _ZN4absl7debian35Mutex4LockEv for Mutex::Lock().
std::string MangledMember(const char* member_and_signature) {
  std::string name = "_ZN4absl";
#if ABSL_OPTION_USE_INLINE_NAMESPACE
  const char* inline_namespace =
      TSAN_ABSL_STR(ABSL_OPTION_INLINE_NAMESPACE_NAME);
  name += std::to_string(std::strlen(inline_namespace)) + inline_namespace;
#endif
  return name + "5Mutex" + member_and_signature;
}

template <typename Function>
Function Real(const char* member_and_signature) {
  const std::string name = MangledMember(member_and_signature);
  void* real = dlsym(RTLD_NEXT, name.c_str());
  if (real == nullptr) {
    std::fprintf(stderr, "tsan_absl_mutex: %s not found\n", name.c_str());
    std::abort();
  }
  return reinterpret_cast<Function>(real);
}

using Void = void (*)(absl::Mutex*);
using Bool = bool (*)(absl::Mutex*);

constexpr unsigned kRead = __tsan_mutex_read_lock;
constexpr unsigned kTry = __tsan_mutex_try_lock;
constexpr unsigned kTryFailed = __tsan_mutex_try_lock_failed;

}  // namespace

namespace absl {
ABSL_NAMESPACE_BEGIN

Mutex::~Mutex() {
  static const Void real = Real<Void>("D1Ev");
  __tsan_mutex_destroy(this, 0);
  real(this);
}

void Mutex::Lock() {
  static const Void real = Real<Void>("4LockEv");
  __tsan_mutex_pre_lock(this, 0);
  real(this);
  __tsan_mutex_post_lock(this, 0, 0);
}

void Mutex::Unlock() {
  static const Void real = Real<Void>("6UnlockEv");
  __tsan_mutex_pre_unlock(this, 0);
  real(this);
  __tsan_mutex_post_unlock(this, 0);
}

bool Mutex::TryLock() {
  static const Bool real = Real<Bool>("7TryLockEv");
  __tsan_mutex_pre_lock(this, kTry);
  const bool locked = real(this);
  __tsan_mutex_post_lock(this, locked ? kTry : kTry | kTryFailed, 0);
  return locked;
}

void Mutex::ReaderLock() {
  static const Void real = Real<Void>("10ReaderLockEv");
  __tsan_mutex_pre_lock(this, kRead);
  real(this);
  __tsan_mutex_post_lock(this, kRead, 0);
}

void Mutex::ReaderUnlock() {
  static const Void real = Real<Void>("12ReaderUnlockEv");
  __tsan_mutex_pre_unlock(this, kRead);
  real(this);
  __tsan_mutex_post_unlock(this, kRead);
}

bool Mutex::ReaderTryLock() {
  static const Bool real = Real<Bool>("13ReaderTryLockEv");
  __tsan_mutex_pre_lock(this, kRead | kTry);
  const bool locked = real(this);
  __tsan_mutex_post_lock(this,
                         locked ? kRead | kTry : kRead | kTry | kTryFailed, 0);
  return locked;
}

ABSL_NAMESPACE_END
}  // namespace absl

#endif  // defined(__SANITIZE_THREAD__)
