// SPDX-License-Identifier: BSD-3-Clause
// Nothing here initialises EAL: the ring must work without it.
#include "transport/engine/request_ring.h"

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "transport/engine/completion.h"

namespace rsm::transport {
namespace {

std::unique_ptr<RequestRing<int>> MakeRing(unsigned capacity) {
  absl::StatusOr<std::unique_ptr<RequestRing<int>>> ring =
      RequestRing<int>::Create("test", capacity);
  EXPECT_TRUE(ring.ok()) << ring.status();
  return ring.ok() ? *std::move(ring) : nullptr;
}

TEST(RequestRingTest, FirstInFirstOutOnOneThread) {
  std::unique_ptr<RequestRing<int>> ring = MakeRing(8);
  ASSERT_NE(ring, nullptr);
  std::array<int, 40> values{};
  int* out[8];
  // Several times round the ring, so the indices wrap.
  for (size_t i = 0; i < values.size(); i += 5) {
    for (size_t j = i; j < i + 5; ++j) ASSERT_TRUE(ring->Enqueue(&values[j]));
    EXPECT_EQ(ring->Count(), 5u);
    ASSERT_EQ(ring->DequeueBurst(out, 3), 3u);
    ASSERT_EQ(ring->DequeueBurst(out + 3, 8), 2u);
    for (size_t j = 0; j < 5; ++j) EXPECT_EQ(out[j], &values[i + j]);
    EXPECT_EQ(ring->Count(), 0u);
  }
  EXPECT_EQ(ring->DequeueBurst(out, 8), 0u);
}

TEST(RequestRingTest, EnqueueFailsWhenFull) {
  std::unique_ptr<RequestRing<int>> ring = MakeRing(16);
  ASSERT_NE(ring, nullptr);
  int value = 0;
  for (int i = 0; i < 16; ++i) ASSERT_TRUE(ring->Enqueue(&value)) << i;
  EXPECT_EQ(ring->Count(), 16u);
  EXPECT_FALSE(ring->Enqueue(&value));
  int* out;
  ASSERT_EQ(ring->DequeueBurst(&out, 1), 1u);
  EXPECT_TRUE(ring->Enqueue(&value));
  EXPECT_FALSE(ring->Enqueue(&value));
}

TEST(RequestRingTest, CapacityIsRoundedUpToAPowerOfTwo) {
  for (const auto& [asked, got] : std::vector<std::pair<unsigned, unsigned>>{
           {1, 1}, {2, 2}, {3, 4}, {1000, 1024}, {1024, 1024}, {1025, 2048}}) {
    std::unique_ptr<RequestRing<int>> ring = MakeRing(asked);
    ASSERT_NE(ring, nullptr);
    EXPECT_EQ(ring->Capacity(), got) << asked;
  }
}

TEST(RequestRingTest, CreateRejectsBadArguments) {
  EXPECT_EQ(RequestRing<int>::Create("zero", 0).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RequestRing<int>::Create("huge", (1u << 30) + 1).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(RequestRing<int>::Create(std::string(64, 'n'), 8).status().code(),
            absl::StatusCode::kInvalidArgument);
}

struct Item {
  int producer;
  int sequence;
};

// Many producers, one consumer: every item arrives exactly once, and each
// producer's items arrive in the order it sent them.
TEST(RequestRingTest, ManyProducersOneConsumerLoseAndReorderNothing) {
  constexpr int kProducers = 4;
  constexpr int kPerProducer = 250'000;
  absl::StatusOr<std::unique_ptr<RequestRing<Item>>> ring =
      RequestRing<Item>::Create("mpsc", 1024);
  ASSERT_TRUE(ring.ok()) << ring.status();

  std::vector<std::vector<Item>> items(kProducers);
  for (int p = 0; p < kProducers; ++p) {
    items[p].resize(kPerProducer);
    for (int s = 0; s < kPerProducer; ++s) items[p][s] = {p, s};
  }

  std::array<int, kProducers> next{};
  int misplaced = 0;
  std::thread consumer([&] {
    Item* burst[32];
    for (int received = 0; received < kProducers * kPerProducer;) {
      const unsigned n = (*ring)->DequeueBurst(burst, 32);
      if (n == 0) std::this_thread::yield();
      for (unsigned i = 0; i < n; ++i) {
        const Item* item = burst[i];
        const int p = item->producer;
        if (p < 0 || p >= kProducers || item != &items[p][next[p]]) {
          ++misplaced;
        } else {
          ++next[p];
        }
      }
      received += n;
    }
  });
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (Item& item : items[p]) {
        while (!(*ring)->Enqueue(&item)) std::this_thread::yield();
      }
    });
  }
  for (std::thread& producer : producers) producer.join();
  consumer.join();

  EXPECT_EQ(misplaced, 0);
  for (int p = 0; p < kProducers; ++p) EXPECT_EQ(next[p], kPerProducer) << p;
  EXPECT_EQ((*ring)->Count(), 0u);
}

struct Request {
  Completion completion;
  int32_t payload;
};

// The whole hand-over: application threads enqueue requests and wait on
// their completions; an engine thread dequeues and completes them.
TEST(RequestRingTest, AppThreadsGetTheirResultsFromAnEngineThread) {
  constexpr int kAppThreads = 4;
  constexpr int32_t kPerThread = 50'000;
  absl::StatusOr<std::unique_ptr<RequestRing<Request>>> ring =
      RequestRing<Request>::Create("requests", 64);
  ASSERT_TRUE(ring.ok()) << ring.status();

  std::atomic<bool> stop{false};
  std::thread engine([&] {
    Request* burst[32];
    while (!stop.load(std::memory_order_relaxed)) {
      const unsigned n = (*ring)->DequeueBurst(burst, 32);
      if (n == 0) std::this_thread::yield();
      for (unsigned i = 0; i < n; ++i) {
        burst[i]->completion.Complete(burst[i]->payload * 2);
      }
    }
  });
  std::array<int, kAppThreads> wrong{};
  std::vector<std::thread> apps;
  for (int t = 0; t < kAppThreads; ++t) {
    apps.emplace_back([&, t] {
      Request request;  // reused: Wait returning means the engine is done
      for (int32_t i = 0; i < kPerThread; ++i) {
        request.completion.Reset();
        request.payload = t * kPerThread + i;
        while (!(*ring)->Enqueue(&request)) std::this_thread::yield();
        const std::optional<int32_t> result =
            request.completion.Wait(absl::InfiniteFuture());
        if (result != request.payload * 2) ++wrong[t];
      }
    });
  }
  for (std::thread& app : apps) app.join();
  // Every request has been completed, so the engine has nothing left.
  stop.store(true, std::memory_order_relaxed);
  engine.join();

  for (int t = 0; t < kAppThreads; ++t) EXPECT_EQ(wrong[t], 0) << t;
}

}  // namespace
}  // namespace rsm::transport
