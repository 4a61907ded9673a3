// SPDX-License-Identifier: BSD-3-Clause
#ifndef RSM_CORE_HANDLE_TABLE_H_
#define RSM_CORE_HANDLE_TABLE_H_

#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"

namespace rsm::core {

// The live objects of one handle type. A handle is the object's address,
// but it is only ever used after it is found here: a stale, foreign or
// made-up handle is refused instead of dereferenced, and one of another kind
// (an export handle passed as an import handle) is simply not found. Find
// hands out shared ownership, so a call in progress keeps its object alive
// while another thread destroys the handle.
template <typename T>
class HandleTable {
 public:
  T* Add(std::shared_ptr<T> object) {
    T* handle = object.get();
    absl::MutexLock lock(&mutex_);
    objects_[handle] = std::move(object);
    return handle;
  }

  std::shared_ptr<T> Find(const void* handle) const {
    absl::ReaderMutexLock lock(&mutex_);
    auto it = objects_.find(handle);
    return it == objects_.end() ? nullptr : it->second;
  }

  // The object, no longer findable; nullptr if it was not there.
  std::shared_ptr<T> Remove(const void* handle) {
    absl::MutexLock lock(&mutex_);
    auto it = objects_.find(handle);
    if (it == objects_.end()) return nullptr;
    std::shared_ptr<T> object = std::move(it->second);
    objects_.erase(it);
    return object;
  }

 private:
  mutable absl::Mutex mutex_;
  absl::flat_hash_map<const void*, std::shared_ptr<T>> objects_
      ABSL_GUARDED_BY(mutex_);
};

}  // namespace rsm::core

#endif  // RSM_CORE_HANDLE_TABLE_H_
