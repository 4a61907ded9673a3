// SPDX-License-Identifier: BSD-3-Clause
// The segment protocol end to end: two nodes on cross-connected net_ring
// ports, each engine on a thread of its own with a SegmentService as its
// sink, the test thread calling the services as an application would. Node
// 2 exports, node 1 imports. Every case runs in a forked child (EAL once per
// process).
#include "transport/segments/segment_service.h"

#include <algorithm>
#include <atomic>
#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <ostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "transport/engine/engine.h"
#include "transport/fault/fault_spec.h"
#include "transport/segments/segment_messages.h"
#include "transport/testing/child_process.h"
#include "transport/testing/test_cluster.h"

namespace rsm::transport {

// Found by gtest through ADL: failures name the value.
void PrintTo(Result result, std::ostream* os) { *os << ResultName(result); }
void PrintTo(ConnectionState state, std::ostream* os) {
  switch (state) {
    case ConnectionState::kConnecting:
      *os << "CONNECTING";
      return;
    case ConnectionState::kConnected:
      *os << "CONNECTED";
      return;
    case ConnectionState::kRevoked:
      *os << "REVOKED";
      return;
    case ConnectionState::kPeerLost:
      *os << "PEER_LOST";
      return;
    case ConnectionState::kEngineStopped:
      *os << "ENGINE_STOPPED";
      return;
  }
  *os << "ConnectionState(" << static_cast<uint32_t>(state) << ")";
}

namespace {

using ::rsm::testing::InitTestEal;
using ::rsm::testing::RunInChildProcess;
using ::rsm::testing::TestCluster;

constexpr int kImporter = 1;
constexpr int kExporter = 2;
constexpr uint32_t kOwnerUid = 1000;
constexpr uint32_t kOwnerGid = 100;
// Bytes either side of a segment in its buffer, which nothing may write.
constexpr size_t kGuard = 256;

// Two nodes, each engine driven by its own thread and delivering to its own
// SegmentService.
class TwoNodes {
 public:
  static std::unique_ptr<TwoNodes> Start(
      const char* name,
      const std::function<void(EngineOptions&)>& adjust = {}) {
    std::unique_ptr<TwoNodes> nodes(new TwoNodes());
    TwoNodes* raw = nodes.get();
    auto cluster = TestCluster::Create(
        name, 2, adjust,
        [raw](int node) -> MessageSink* { return &raw->services_[node - 1]; });
    if (!cluster.ok()) {
      ADD_FAILURE() << "cluster: " << cluster.status();
      return nullptr;
    }
    nodes->cluster_ = *std::move(cluster);
    for (int node : {kImporter, kExporter}) {
      nodes->service(node).Attach(&nodes->engine(node));
      EXPECT_TRUE(nodes->engine(node).StartThread().ok());
    }
    return nodes;
  }
  ~TwoNodes() { StopAll(); }

  SegmentService& service(int node) { return services_[node - 1]; }
  Engine& engine(int node) { return cluster_->engine(node); }
  TestCluster& cluster() { return *cluster_; }
  void StopAll() {
    if (cluster_ == nullptr) return;
    for (int node : {kImporter, kExporter}) engine(node).Stop();
  }

  // SegmentCounters' values.
  struct Counts {
    uint64_t connects_granted, connects_refused, puts_applied, gets_served,
        accesses_refused, malformed, unmatched, replies_deferred, revokes_sent;
  };
  // The exporter's counters, read on its engine thread (so everything it
  // did before is visible); all zero once it stopped.
  Counts ExporterCountsNow() { return CountsOn(kExporter); }

  uint64_t Refused() {
    uint64_t value = 0;
    engine(kExporter).RunOnEngine(
        [&] { value = service(kExporter).counters().accesses_refused.Get(); });
    return value;
  }
  uint64_t ExporterMalformed() {
    uint64_t value = 0;
    engine(kExporter).RunOnEngine(
        [&] { value = service(kExporter).counters().malformed.Get(); });
    return value;
  }
  // Bytes of `memory`, read on `node`'s engine thread: after every access
  // the engine made before.
  std::vector<uint8_t> Snapshot(int node, const std::vector<uint8_t>& memory) {
    std::vector<uint8_t> copy;
    engine(node).RunOnEngine([&] { copy = memory; });
    return copy;
  }
  // Sequenced frames node 1 has sent node 2 and not yet had acknowledged.
  uint32_t InFlightToExporter() {
    uint32_t frames = 0;
    engine(kImporter).RunOnEngine(
        [&] { frames = engine(kImporter).frames_in_flight(kExporter); });
    return frames;
  }

 private:
  TwoNodes() = default;
  Counts CountsOn(int node);

  // Before cluster_: the sinks outlive the engines.
  SegmentService services_[2];
  std::unique_ptr<TestCluster> cluster_;
};

// Polls `done` until it holds or `timeout` passes; returns done().
bool Eventually(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (!done()) {
    if (absl::Now() > deadline) return done();
    absl::SleepFor(absl::Microseconds(200));
  }
  return true;
}

// Holds `engine`'s thread inside a task until Release(): nothing it receives
// is handled, nothing is answered. Keep it short: its peer takes the
// silence for a dead node after unreachable_after.
class EngineBlocker {
 public:
  explicit EngineBlocker(Engine& engine)
      : thread_([this, &engine] {
          engine.RunOnEngine([this] {
            blocked_.store(true);
            while (!release_.load()) std::this_thread::yield();
          });
        }) {
    Eventually([this] { return blocked_.load(); }, absl::Seconds(10));
  }
  ~EngineBlocker() { Release(); }
  bool blocked() const { return blocked_.load(); }
  void Release() {
    release_.store(true);
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::atomic<bool> blocked_{false};
  std::atomic<bool> release_{false};
  std::thread thread_;
};

// A thread that the test always joins, even when an ASSERT returns early.
class Joined {
 public:
  explicit Joined(std::function<void()> body) : thread_(std::move(body)) {}
  ~Joined() { Join(); }
  void Join() {
    if (thread_.joinable()) thread_.join();
  }

 private:
  std::thread thread_;
};

std::vector<uint8_t> RandomBytes(std::mt19937_64& random, size_t size) {
  std::vector<uint8_t> bytes(size);
  for (uint8_t& byte : bytes) byte = static_cast<uint8_t>(random());
  return bytes;
}

// A segment inside a buffer with guard bytes either side.
struct Guarded {
  explicit Guarded(uint64_t length, uint8_t fill = 0x5a)
      : buffer(length + 2 * kGuard, fill), length(length) {
    // Guards have a pattern of their own.
    for (size_t i = 0; i < kGuard; ++i) {
      buffer[i] = static_cast<uint8_t>(0xa0 + i % 7);
      buffer[kGuard + length + i] = static_cast<uint8_t>(0xb0 + i % 5);
    }
  }
  uint8_t* segment() { return buffer.data() + kGuard; }
  std::vector<uint8_t> buffer;
  uint64_t length;
};

ExportAccess OwnerOnly() { return {{}, 0600, kOwnerUid, kOwnerGid}; }

ConnectRequest AsOwner(uint32_t requested) {
  return {requested, kOwnerUid, kOwnerGid, {}};
}

// Connects `connection` (node 1) to segment `id` of node 2.
Result ConnectTo(SegmentService& service, ImportConnection& connection,
                 uint32_t id, const ConnectRequest& request) {
  connection.exporter_node = kExporter;
  connection.segment_id = id;
  return service.Connect(connection, request);
}

TwoNodes::Counts TwoNodes::CountsOn(int node) {
  Counts copy{};
  engine(node).RunOnEngine([&] {
    const SegmentCounters& c = service(node).counters();
    copy = {c.connects_granted.Get(), c.connects_refused.Get(),
            c.puts_applied.Get(),     c.gets_served.Get(),
            c.accesses_refused.Get(), c.malformed.Get(),
            c.unmatched.Get(),        c.replies_deferred.Get(),
            c.revokes_sent.Get()};
  });
  return copy;
}

// ---------------------------------------------------------------------------
// Data path: puts and gets of every size class land byte for byte.

// With `window_frames` in flight per peer (a window under 64 KiB of frames
// makes every longer access more, smaller messages).
void RoundTrip(uint32_t window_frames) {
  ASSERT_TRUE(InitTestEal("segrt"));
  constexpr uint64_t kLength = 2 * 1024 * 1024 + 4096 + 123;
  Guarded memory(kLength);
  std::vector<uint8_t> model = memory.buffer;  // guards included
  ImportConnection connection;
  auto nodes = TwoNodes::Start("segrt", [&](EngineOptions& options) {
    options.window_frames = window_frames;
  });
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);

  uint32_t id = 0;
  ASSERT_EQ(nodes->service(kExporter).Publish(&id, memory.segment(), kLength,
                                              OwnerOnly(), nullptr),
            Result::kOk);
  EXPECT_EQ(id, kFirstAutomaticSegmentId);
  ASSERT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermReadWrite)),
            Result::kOk);
  EXPECT_TRUE(connection.connected());
  EXPECT_EQ(connection.length, kLength);
  EXPECT_EQ(connection.granted_mode, 0600u);
  EXPECT_NE(connection.token, 0u);
  EXPECT_EQ(nodes->service(kExporter).ImportersOf(id), 1u);

  struct Access {
    uint64_t offset;
    size_t size;
  };
  const Access accesses[] = {
      {1, 0},
      {3, 1},
      {4097, 4095},
      {65535 + 2, 65536},
      {131071 + 6, 65537},
      {7, 1024 * 1024},
      {kLength - 1, 1},          // the last byte
      {kLength - 65537, 65537},  // up to the end exactly
      {kLength, 0},              // zero bytes at the end
  };
  std::mt19937_64 random(20240601);
  for (const Access& access : accesses) {
    SCOPED_TRACE(absl::StrCat("offset ", access.offset, " size ", access.size));
    const std::vector<uint8_t> data = RandomBytes(random, access.size);
    ASSERT_EQ(importer.Put(connection, access.offset, data), Result::kOk);
    std::copy(data.begin(), data.end(), model.begin() + kGuard + access.offset);
    // Put returns once the exporter applied every byte.
    const std::vector<uint8_t> now = nodes->Snapshot(kExporter, memory.buffer);
    ASSERT_EQ(now.size(), model.size());
    EXPECT_TRUE(now == model) << "exporter memory differs from the model";

    // Get into a buffer with guards of its own: nothing outside `into`.
    std::vector<uint8_t> into(access.size + 2 * 64, 0xcd);
    ASSERT_EQ(importer.Get(connection, access.offset,
                           absl::MakeSpan(into.data() + 64, access.size)),
              Result::kOk);
    EXPECT_TRUE(std::equal(data.begin(), data.end(), into.begin() + 64))
        << "get returned other bytes than were put";
    EXPECT_TRUE(std::all_of(into.begin(), into.begin() + 64,
                            [](uint8_t b) { return b == 0xcd; }) &&
                std::all_of(into.end() - 64, into.end(),
                            [](uint8_t b) { return b == 0xcd; }))
        << "get wrote outside its destination";
  }
  // The whole segment in one get.
  std::vector<uint8_t> whole(kLength);
  ASSERT_EQ(importer.Get(connection, 0, absl::MakeSpan(whole)), Result::kOk);
  EXPECT_TRUE(std::equal(whole.begin(), whole.end(), model.begin() + kGuard));
  EXPECT_TRUE(connection.connected());

  const TwoNodes::Counts exporter = nodes->ExporterCountsNow();
  EXPECT_EQ(exporter.accesses_refused, 0u);
  EXPECT_EQ(exporter.malformed, 0u);
  EXPECT_EQ(exporter.connects_granted, 1u);
  EXPECT_GT(exporter.puts_applied, 0u);
  EXPECT_GT(exporter.gets_served, 0u);
  std::printf(
      "exporter: %llu puts applied, %llu gets served, %llu replies "
      "deferred\n",
      static_cast<unsigned long long>(exporter.puts_applied),
      static_cast<unsigned long long>(exporter.gets_served),
      static_cast<unsigned long long>(exporter.replies_deferred));

  // Disconnect: the exporter forgets the connection.
  importer.Disconnect(connection);
  EXPECT_FALSE(connection.connected());
  EXPECT_TRUE(
      Eventually([&] { return nodes->service(kExporter).ImportersOf(id) == 0; },
                 absl::Seconds(5)));
  nodes->StopAll();
}

TEST(SegmentService, PutAndGetRoundTripEverySize) {
  EXPECT_TRUE(
      RunInChildProcess([] { RoundTrip(EngineSettings().window_frames); }));
}

TEST(SegmentService, PutAndGetRoundTripWithASmallWindow) {
  EXPECT_TRUE(RunInChildProcess([] { RoundTrip(8); }));
}

// ---------------------------------------------------------------------------
// Connect refusals that do not depend on the importer's credentials.

void ConnectRefusals() {
  ASSERT_TRUE(InitTestEal("segref"));
  Guarded memory(4096);
  ImportConnection connection;
  auto nodes = TwoNodes::Start("segref");
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);
  SegmentService& exporter = nodes->service(kExporter);

  // Nothing published under the id.
  EXPECT_EQ(ConnectTo(importer, connection, 1234, AsOwner(kPermRead)),
            Result::kNotPublished);
  EXPECT_FALSE(connection.connected());

  // An access list that names node 2 and node 5, not node 1, even with
  // every right.
  uint32_t id = 1234;
  ASSERT_EQ(exporter.Publish(
                &id, memory.segment(), memory.length,
                {{{kExporter, 0666}, {5, 0666}}, 0666, kOwnerUid, kOwnerGid},
                nullptr),
            Result::kOk);
  EXPECT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermRead)),
            Result::kNotPublishedToNode);
  EXPECT_FALSE(connection.connected());
  EXPECT_EQ(ConnectTo(importer, connection, id, AsOwner(0)),
            Result::kNotPublishedToNode);

  // Republished with node 1 on the list: now it connects.
  ASSERT_EQ(exporter.Republish(id, {{kImporter, 0400}}), Result::kOk);
  EXPECT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermRead)),
            Result::kOk);
  EXPECT_TRUE(connection.connected());
  EXPECT_EQ(connection.granted_mode, 0400u);
  importer.Disconnect(connection);

  const TwoNodes::Counts counters = nodes->ExporterCountsNow();
  EXPECT_EQ(counters.connects_refused, 3u);
  EXPECT_EQ(counters.connects_granted, 1u);
  EXPECT_EQ(exporter.Unpublish(id), Result::kOk);
  EXPECT_EQ(exporter.Unpublish(id), Result::kNotPublished);
  EXPECT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermRead)),
            Result::kNotPublished);
  nodes->StopAll();
}

TEST(SegmentService, ConnectToUnpublishedOrUnlistedIsRefused) {
  EXPECT_TRUE(RunInChildProcess(ConnectRefusals));
}

// ---------------------------------------------------------------------------
// The access-control matrix through the protocol.
//
// Solaris's rule (rsm_memseg_export_publish(3RSM) on access lists), restated
// here independently of access_control.cc, the way one reads a file's mode:
//  * With an access list, the importing node must be on it (the first entry
//    naming it counts, as Solaris searched in order) or the connect fails
//    with NOT_PUBLISHED_TO_NODE; its permission is the node mode. With no
//    list, every node may connect and the node mode is the creator's mode.
//    Execute bits (0111) never count.
//  * The importer is "owner" if its uid is the exporter's uid, else "group"
//    if its gid or one of its supplementary groups is the exporter's gid,
//    else "other". Only that class's digit of the node mode counts.
//  * A requested read needs 4 in that digit, a requested write needs 2;
//    anything missing -> PERMISSION_DENIED.
//  * Granted: the connection's mode is the requested rights written into all
//    three digits (0444 read, 0222 write) and masked by the node mode.

enum class Class { kOwner, kGroup, kOther };

struct Config {
  bool has_acl;
  bool listed;    // with an access list: does it name node 1?
  uint32_t mode;  // node 1's permission on the list, or the creator's mode
};

struct Expected {
  Result result;
  uint32_t granted_mode;
};

uint32_t DigitOf(uint32_t mode, Class who) {
  switch (who) {
    case Class::kOwner:
      return (mode >> 6) & 7;
    case Class::kGroup:
      return (mode >> 3) & 7;
    case Class::kOther:
      return mode & 7;
  }
  return 0;
}

Expected SolarisRule(const Config& config, Class who, uint32_t requested) {
  if (config.has_acl && !config.listed) {
    return {Result::kNotPublishedToNode, 0};
  }
  const uint32_t node_mode = config.mode & 0666;
  const uint32_t digit = DigitOf(node_mode, who);
  const bool wants_read = requested & kPermRead;
  const bool wants_write = requested & kPermWrite;
  if ((wants_read && !(digit & 4)) || (wants_write && !(digit & 2))) {
    return {Result::kPermissionDenied, 0};
  }
  const uint32_t spread = (wants_read ? 0444 : 0) | (wants_write ? 0222 : 0);
  return {Result::kOk, spread & node_mode};
}

// The rule above on hand-worked cases, so that it can be checked against
// the reference by eye.
TEST(SegmentService, SolarisRuleSpotChecks) {
  constexpr uint32_t R = kPermRead, W = kPermWrite, RW = kPermReadWrite;
  const Config acl_0640{true, true, 0640}, acl_0604{true, true, 0604},
      acl_0460{true, true, 0460}, unlisted{true, false, 0666},
      umask_022{false, false, 0755}, creator_0060{false, false, 0060};
  struct Spot {
    Config config;
    Class who;
    uint32_t requested;
    Result result;
    uint32_t granted_mode;
  };
  const Spot spots[] = {
      {acl_0640, Class::kOwner, RW, Result::kOk, 0640},
      {acl_0640, Class::kGroup, R, Result::kOk, 0440},
      {acl_0640, Class::kGroup, W, Result::kPermissionDenied, 0},
      {acl_0640, Class::kOther, R, Result::kPermissionDenied, 0},
      {acl_0604, Class::kGroup, R, Result::kPermissionDenied, 0},
      {acl_0604, Class::kOther, R, Result::kOk, 0404},
      {acl_0460, Class::kOwner, W, Result::kPermissionDenied, 0},
      {acl_0460, Class::kGroup, RW, Result::kOk, 0460},
      {unlisted, Class::kOwner, 0, Result::kNotPublishedToNode, 0},
      {umask_022, Class::kOwner, RW, Result::kOk, 0644},
      {umask_022, Class::kOther, W, Result::kPermissionDenied, 0},
      {umask_022, Class::kOther, R, Result::kOk, 0444},
      {creator_0060, Class::kOwner, R, Result::kPermissionDenied, 0},
      {creator_0060, Class::kGroup, RW, Result::kOk, 0060},
      {creator_0060, Class::kOther, 0, Result::kOk, 0},
  };
  for (const Spot& spot : spots) {
    const Expected expected =
        SolarisRule(spot.config, spot.who, spot.requested);
    EXPECT_EQ(expected.result, spot.result)
        << "mode 0" << std::oct << spot.config.mode << " requested 0"
        << spot.requested;
    EXPECT_EQ(expected.granted_mode, spot.granted_mode)
        << "mode 0" << std::oct << spot.config.mode << " requested 0"
        << spot.requested;
  }
}

struct Who {
  const char* name;
  uint32_t uid;
  uint32_t gid;
  std::vector<uint32_t> groups;
  Class is;
};

const std::vector<Who>& Importers() {
  static const auto* const who = new std::vector<Who>{
      {"owner", kOwnerUid, 5, {}, Class::kOwner},
      // Owner wins over group: only the owner digit counts.
      {"owner in the group", kOwnerUid, kOwnerGid, {kOwnerGid}, Class::kOwner},
      {"group by gid", 2000, kOwnerGid, {}, Class::kGroup},
      {"group by supplementary group",
       2000,
       5,
       {7, kOwnerGid, 9},
       Class::kGroup},
      {"other", 2000, 5, {7, 9}, Class::kOther},
      // Numbers swapped: uid is compared with uid, gid with gid.
      {"other, uid and gid swapped", kOwnerGid, kOwnerUid, {}, Class::kOther},
  };
  return *who;
}

void AccessMatrix() {
  ASSERT_TRUE(InitTestEal("segacl"));
  std::vector<Config> configs;
  for (uint32_t mode :
       {0640u, 0604u, 0460u, 0406u, 0066u, 0666u, 0000u, 0200u, 0042u, 0577u}) {
    configs.push_back({true, true, mode});
  }
  for (uint32_t mode : {0666u, 0000u}) configs.push_back({true, false, mode});
  for (uint32_t mode :
       {0755u, 0640u, 0700u, 0604u, 0060u, 0000u, 0777u, 0622u, 0406u}) {
    configs.push_back({false, false, mode});
  }
  constexpr uint64_t kSegment = 64;
  // Every segment in one buffer, so that any stray write shows.
  Guarded memory(kSegment * configs.size());
  std::vector<uint8_t> model = memory.buffer;
  auto nodes = TwoNodes::Start("segacl");
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);
  SegmentService& exporter = nodes->service(kExporter);

  std::vector<uint32_t> ids;
  for (size_t i = 0; i < configs.size(); ++i) {
    const Config& config = configs[i];
    ExportAccess access;
    access.owner_uid = kOwnerUid;
    access.owner_gid = kOwnerGid;
    if (config.has_acl) {
      // A creator mode that would grant everything: with a list it must
      // not count.
      access.creator_mode = 0777;
      if (config.listed) {
        // Another node first; node 1's first entry; then a second entry for
        // node 1 with the opposite rights, which must not count.
        access.acl = {{5, 0666},
                      {kImporter, config.mode},
                      {kImporter, 0666 & ~config.mode}};
      } else {
        access.acl = {{kExporter, 0666}, {5, config.mode}};
      }
    } else {
      access.creator_mode = config.mode;
    }
    uint32_t id = 0;
    ASSERT_EQ(exporter.Publish(&id, memory.segment() + i * kSegment, kSegment,
                               access, nullptr),
              Result::kOk);
    ids.push_back(id);
  }

  std::mt19937_64 random(7);
  int cases = 0, granted = 0, refused_ops = 0;
  for (size_t i = 0; i < configs.size(); ++i) {
    const Config& config = configs[i];
    for (const Who& who : Importers()) {
      for (uint32_t requested : {0u, kPermRead, kPermWrite, kPermReadWrite}) {
        const std::string what = absl::StrFormat(
            "%s%o, %s, requested 0%o",
            config.has_acl ? (config.listed ? "list naming node 1 with 0"
                                            : "list without node 1, 0")
                           : "no list, creator mode 0",
            config.mode, who.name, requested);
        SCOPED_TRACE(what);
        ++cases;
        const Expected expected = SolarisRule(config, who.is, requested);
        ImportConnection connection;
        const Result result =
            ConnectTo(importer, connection, ids[i],
                      {requested, who.uid, who.gid, who.groups});
        // EXPECT, not ASSERT, below: `connection` may be registered, and must
        // be disconnected before it goes.
        EXPECT_EQ(result, expected.result);
        if (result != Result::kOk) {
          EXPECT_FALSE(connection.connected());
          continue;
        }
        ++granted;
        EXPECT_TRUE(connection.connected());
        EXPECT_EQ(connection.granted_mode, expected.granted_mode)
            << "granted 0" << std::oct << connection.granted_mode;
        EXPECT_EQ(connection.length, kSegment);

        const size_t base = kGuard + i * kSegment;
        std::vector<uint8_t> got(16);
        // What the grant does not cover is refused by the exporter.
        if (!(requested & kPermRead)) {
          const uint64_t before = nodes->Refused();
          EXPECT_EQ(importer.Get(connection, 8, absl::MakeSpan(got)),
                    Result::kPermissionDenied);
          EXPECT_EQ(nodes->Refused(), before + 1);
          ++refused_ops;
        }
        if (!(requested & kPermWrite)) {
          const uint64_t before = nodes->Refused();
          const std::vector<uint8_t> data(16, 0xee);
          // The importer's library would refuse this; the service sends it.
          importer.Put(connection, 8, data);
          EXPECT_EQ(nodes->Refused(), before + 1);
          EXPECT_TRUE(nodes->Snapshot(kExporter, memory.buffer) == model)
              << "a refused put changed the exporter's memory";
          ++refused_ops;
        }
        // What it covers works.
        if (requested & kPermWrite) {
          const std::vector<uint8_t> data = RandomBytes(random, 16);
          EXPECT_EQ(importer.Put(connection, 40, data), Result::kOk);
          std::copy(data.begin(), data.end(), model.begin() + base + 40);
          EXPECT_TRUE(nodes->Snapshot(kExporter, memory.buffer) == model)
              << "a granted put did not land as it should";
        }
        if (requested & kPermRead) {
          EXPECT_EQ(importer.Get(connection, 40, absl::MakeSpan(got)),
                    Result::kOk);
          EXPECT_TRUE(
              std::equal(got.begin(), got.end(), model.begin() + base + 40));
        }
        EXPECT_TRUE(connection.connected());
        importer.Disconnect(connection);
      }
    }
  }
  std::printf("%d connects, %d granted, %d uncovered accesses refused\n", cases,
              granted, refused_ops);
  EXPECT_TRUE(nodes->Snapshot(kExporter, memory.buffer) == model);
  const TwoNodes::Counts counters = nodes->ExporterCountsNow();
  EXPECT_EQ(counters.connects_granted, static_cast<uint64_t>(granted));
  EXPECT_EQ(counters.connects_refused, static_cast<uint64_t>(cases - granted));
  EXPECT_EQ(counters.accesses_refused, static_cast<uint64_t>(refused_ops));
  nodes->StopAll();
}

TEST(SegmentService, AccessControlMatrixThroughTheProtocol) {
  EXPECT_TRUE(RunInChildProcess(AccessMatrix, 120));
}

// ---------------------------------------------------------------------------
// Data integrity under injected faults, against a local model.

// About 50 MiB moved, 20-40 s on two shared cores: the engine threads and
// the test compete for them, so every reply waits for a scheduler slot.
constexpr int kIntegrityOps = 2000;
constexpr uint64_t kIntegrityLength = 16 * 1024 * 1024;

// 1 byte .. 256 KiB, spread evenly over the powers of two.
size_t RandomSize(std::mt19937_64& random) {
  const int bits = static_cast<int>(random() % 19);  // 2^0 .. 2^18
  const size_t top = size_t{1} << bits;
  return std::min<size_t>(top / 2 + 1 + random() % top, 256 * 1024);
}

void DataIntegrity() {
  ASSERT_TRUE(InitTestEal("segdata"));
  Guarded memory(kIntegrityLength, 0);
  std::mt19937_64 random(424242);
  for (uint64_t i = 0; i < kIntegrityLength; ++i) {
    memory.segment()[i] = static_cast<uint8_t>(i * 131 + (i >> 13));
  }
  std::vector<uint8_t> model = memory.buffer;
  ImportConnection connection;
  const absl::StatusOr<FaultSpec> faults =
      ParseFaultSpec("drop=0.05,reorder=0.05,duplicate=0.01");
  ASSERT_TRUE(faults.ok()) << faults.status();
  auto nodes = TwoNodes::Start("segdata", [&](EngineOptions& options) {
    options.rx_faults = *faults;
    options.fault_seed = 9000 + options.node_id;
    // Faults alone must never look like a dead peer, and the two engine
    // threads share two cores with the test: no liveness verdicts here.
    options.unreachable_after = absl::Seconds(5);
  });
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);

  uint32_t id = 0;
  ASSERT_EQ(nodes->service(kExporter).Publish(
                &id, memory.segment(), kIntegrityLength, OwnerOnly(), nullptr),
            Result::kOk);
  ASSERT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermReadWrite)),
            Result::kOk);

  const absl::Time start = absl::Now();
  int puts = 0, gets = 0;
  uint64_t bytes = 0;
  std::vector<uint8_t> got;
  for (int op = 0; op < kIntegrityOps; ++op) {
    const size_t size = RandomSize(random);
    const uint64_t offset = random() % (kIntegrityLength - size + 1);
    SCOPED_TRACE(absl::StrCat("op ", op, " offset ", offset, " size ", size));
    bytes += size;
    if (random() % 2 == 0) {
      const std::vector<uint8_t> data = RandomBytes(random, size);
      ASSERT_EQ(importer.Put(connection, offset, data), Result::kOk);
      std::copy(data.begin(), data.end(), model.begin() + kGuard + offset);
      ++puts;
    } else {
      got.assign(size, 0);
      ASSERT_EQ(importer.Get(connection, offset, absl::MakeSpan(got)),
                Result::kOk);
      const auto want = model.begin() + kGuard + offset;
      const auto [differs, _] = std::mismatch(got.begin(), got.end(), want);
      ASSERT_TRUE(differs == got.end())
          << "get differs from the model at byte " << (differs - got.begin());
      ++gets;
    }
  }
  const absl::Duration took = absl::Now() - start;
  const std::vector<uint8_t> exported =
      nodes->Snapshot(kExporter, memory.buffer);
  ASSERT_EQ(exported.size(), model.size());
  const auto [differs, _] =
      std::mismatch(exported.begin(), exported.end(), model.begin());
  EXPECT_TRUE(differs == exported.end())
      << "exporter memory differs from the model at buffer byte "
      << (differs - exported.begin()) << " (segment starts at " << kGuard
      << ")";
  EXPECT_TRUE(connection.connected());
  const TwoNodes::Counts exporter = nodes->ExporterCountsNow();
  EXPECT_EQ(exporter.accesses_refused, 0u);
  EXPECT_EQ(exporter.malformed, 0u);
  nodes->StopAll();

  uint64_t dropped = 0, reordered = 0, duplicated = 0, retransmits = 0;
  for (int node : {kImporter, kExporter}) {
    const FaultCounters& f = nodes->engine(node).rx_faults().counters();
    dropped += f.dropped;
    reordered += f.reordered;
    duplicated += f.duplicated;
    retransmits += nodes->engine(node).port_counters().retransmits.Get();
    EXPECT_EQ(nodes->engine(node)
                  .peer_counters(node == kImporter ? kExporter : kImporter)
                  ->unreachable.Get(),
              0u);
  }
  std::printf(
      "%d puts, %d gets, %.1f MiB in %s; faults: %llu dropped, %llu "
      "reordered, %llu duplicated; %llu retransmits; %llu replies deferred\n",
      puts, gets, bytes / 1048576.0, absl::FormatDuration(took).c_str(),
      static_cast<unsigned long long>(dropped),
      static_cast<unsigned long long>(reordered),
      static_cast<unsigned long long>(duplicated),
      static_cast<unsigned long long>(retransmits),
      static_cast<unsigned long long>(exporter.replies_deferred));
  // The faults did happen.
  EXPECT_GT(dropped, 0u);
  EXPECT_GT(reordered, 0u);
  EXPECT_GT(duplicated, 0u);
  EXPECT_GT(retransmits, 0u);
}

TEST(SegmentService, RandomPutsAndGetsUnderFaultsMatchTheModel) {
  EXPECT_TRUE(RunInChildProcess(DataIntegrity, 240));
}

// ---------------------------------------------------------------------------
// Frames no importer library would send: unknown connections, offsets out
// of bounds or near 2^64. Nothing outside the segment changes.

void HostileFrames() {
  ASSERT_TRUE(InitTestEal("seghostile"));
  constexpr uint64_t kLength = 8192;
  Guarded memory(kLength);
  const std::vector<uint8_t> model = memory.buffer;
  ImportConnection connection;
  auto nodes = TwoNodes::Start("seghostile");
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);
  Engine& raw = nodes->engine(kImporter);

  uint32_t id = 0;
  ASSERT_EQ(nodes->service(kExporter).Publish(&id, memory.segment(), kLength,
                                              OwnerOnly(), nullptr),
            Result::kOk);
  ASSERT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermReadWrite)),
            Result::kOk);
  const uint32_t token = connection.token;
  const uint32_t bogus = token + 1000;

  // Sends a raw message from node 1 to node 2 and waits until node 2 has
  // acknowledged it, that is handled it.
  auto send = [&](wire::FrameType type, uint32_t segment, uint64_t offset,
                  uint32_t aux, absl::Span<const uint8_t> payload) {
    Completion done;
    ASSERT_EQ(
        raw.SendMessage(kExporter, type, segment, offset, aux, payload, &done),
        Result::kOk);
    ASSERT_EQ(raw.Wait(done, absl::Now() + absl::Seconds(10)), Result::kOk);
  };
  auto unmatched = [&] { return importer.counters().unmatched.Get(); };
  uint64_t expect_refused = 0;
  uint64_t expect_unmatched = 0;
  auto check = [&](const std::string& what) {
    SCOPED_TRACE(what);
    EXPECT_EQ(nodes->Refused(), expect_refused);
    EXPECT_TRUE(nodes->Snapshot(kExporter, memory.buffer) == model)
        << "the exporter's memory (or a guard) changed";
    EXPECT_TRUE(Eventually([&] { return unmatched() >= expect_unmatched; },
                           absl::Seconds(5)));
    EXPECT_EQ(unmatched(), expect_unmatched);
    EXPECT_TRUE(connection.connected());
  };
  const std::vector<uint8_t> junk(20, 0xee);

  // A PUT on a connection the exporter does not know: refused, and the
  // importer is told (REVOKE), which matches none of its connections.
  send(wire::FrameType::kPut, id, 0, bogus, absl::MakeSpan(junk).first(16));
  ++expect_refused;
  ++expect_unmatched;
  check("PUT, unknown token");
  // Our token, but a segment id that is not published: REVOKE for a segment
  // the connection is not to, so it must stay connected.
  send(wire::FrameType::kPut, id + 1, 0, token, absl::MakeSpan(junk).first(16));
  ++expect_refused;
  ++expect_unmatched;
  check("PUT, unknown segment");

  struct Bounds {
    uint64_t offset;
    size_t size;
  };
  // A frame's offset + length must not wrap (the codec drops such frames
  // before any sink sees them, docs/protocol.md), so the largest offsets a
  // PUT can carry end at 2^64 - 1.
  const Bounds outside[] = {
      {kLength - 10, 20},       // runs past the end
      {kLength, 1},             // starts at the end
      {kLength + 1, 0},         // empty, but past the end
      {UINT64_MAX - 100, 10},   // near 2^64
      {UINT64_MAX - 16, 16},    // ends exactly at 2^64 - 1
      {uint64_t{1} << 63, 16},  // far away
  };
  for (const Bounds& b : outside) {
    send(wire::FrameType::kPut, id, b.offset, token,
         absl::MakeSpan(junk).first(b.size));
    ++expect_refused;
    check(absl::StrCat("PUT offset ", b.offset, " size ", b.size));
  }

  // GET on an unknown connection: a GET_REPLY with the refusal (its tag
  // matches no get) and a REVOKE (matches no connection).
  send(wire::FrameType::kGet, id, 0, bogus, EncodeGetRequest({16, 0x0abc0001}));
  ++expect_refused;
  expect_unmatched += 2;
  check("GET, unknown token");
  // Out of bounds: refused, no REVOKE.
  send(wire::FrameType::kGet, id, kLength - 1, token,
       EncodeGetRequest({2, 0x0abc0002}));
  ++expect_refused;
  ++expect_unmatched;
  check("GET out of bounds");
  // offset + length of the request wraps to 1: inside the segment if the
  // exporter added them.
  send(wire::FrameType::kGet, id, UINT64_MAX - 8, token,
       EncodeGetRequest({10, 0x0abc0003}));
  ++expect_refused;
  ++expect_unmatched;
  check("GET whose offset + length wraps");
  // Longer than one GET may ask: malformed, answered so nobody waits.
  const uint64_t malformed_before_long = nodes->ExporterMalformed();
  send(wire::FrameType::kGet, id, 0, token,
       EncodeGetRequest({SegmentService::kMaxChunk + 1, 0x0abc0004}));
  ++expect_unmatched;
  check("GET longer than kMaxChunk");
  EXPECT_EQ(nodes->ExporterMalformed(), malformed_before_long + 1);
  // A GET payload that does not parse: counted, not answered.
  const uint64_t malformed = nodes->ExporterMalformed();
  const std::vector<uint8_t> short_get(7, 1);
  send(wire::FrameType::kGet, id, 0, token, short_get);
  EXPECT_EQ(nodes->ExporterMalformed(), malformed + 1);
  check("GET payload of 7 bytes");

  // The same through the service's calls.
  std::vector<uint8_t> got(20);
  EXPECT_EQ(importer.Get(connection, kLength - 10, absl::MakeSpan(got)),
            Result::kOutOfBounds);
  ++expect_refused;
  check("Get past the end");
  // The GET frame's own offset + length (8 bytes of request) must not wrap:
  // see AccessNearTheTopOfTheOffsetRangeDoesNotStallTheSession.
  EXPECT_EQ(
      importer.Get(connection, UINT64_MAX - 8, absl::MakeSpan(got).first(10)),
      Result::kOutOfBounds);
  ++expect_refused;
  check("Get whose offset + length wraps");
  importer.Put(connection, kLength - 10, junk);  // acknowledged, not applied
  ++expect_refused;
  check("Put past the end");

  // Right up to the end still works.
  const std::vector<uint8_t> tail(10, 0x77);
  ASSERT_EQ(importer.Put(connection, kLength - 10, tail), Result::kOk);
  std::vector<uint8_t> after_put = model;
  std::copy(tail.begin(), tail.end(),
            after_put.begin() + kGuard + kLength - 10);
  EXPECT_TRUE(nodes->Snapshot(kExporter, memory.buffer) == after_put);
  ASSERT_EQ(
      importer.Get(connection, kLength - 10, absl::MakeSpan(got).first(10)),
      Result::kOk);
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), got.begin()));
  // PUT and GET on an unknown token, PUT to an unknown segment.
  EXPECT_EQ(nodes->ExporterCountsNow().revokes_sent, 3u);

  // The exporter forgets the connection (a DISCONNECT the importer's
  // service did not send): the importer's next access is refused and
  // answered with a REVOKE that ends the registered connection.
  send(wire::FrameType::kDisconnect, id, 0, token, {});
  EXPECT_EQ(nodes->service(kExporter).ImportersOf(id), 0u);
  EXPECT_TRUE(connection.connected());
  importer.Put(connection, 0, absl::MakeSpan(junk).first(16));
  ++expect_refused;
  EXPECT_EQ(nodes->Refused(), expect_refused);
  EXPECT_TRUE(Eventually(
      [&] { return connection.state.load() == ConnectionState::kRevoked; },
      absl::Seconds(5)))
      << "state " << ::testing::PrintToString(connection.state.load());
  EXPECT_TRUE(nodes->Snapshot(kExporter, memory.buffer) == after_put);
  EXPECT_EQ(unmatched(), expect_unmatched);
  EXPECT_EQ(nodes->ExporterCountsNow().revokes_sent, 4u);
  nodes->StopAll();
}

TEST(SegmentService, HostileFramesTouchNothingOutsideTheSegment) {
  EXPECT_TRUE(RunInChildProcess(HostileFrames));
}

// ---------------------------------------------------------------------------
// Unpublish while an importer is busy.

// Puts and gets in a loop until the connection ends or `stop`.
struct BusyImporter {
  BusyImporter(SegmentService& service, ImportConnection& connection,
               uint64_t length, size_t chunk)
      : thread([this, &service, &connection, length, chunk] {
          std::vector<uint8_t> data(chunk), got(chunk);
          for (uint64_t i = 0; !stop.load() && connection.connected(); ++i) {
            std::fill(data.begin(), data.end(), static_cast<uint8_t>(i + 1));
            const uint64_t offset = (i * 4096) % (length - chunk);
            if (service.Put(connection, offset, data) != Result::kOk) {
              failed.fetch_add(1);
            }
            if (service.Get(connection, offset, absl::MakeSpan(got)) !=
                Result::kOk) {
              failed.fetch_add(1);
            }
            ops.fetch_add(1);
          }
          finished.store(true);
        }) {}
  ~BusyImporter() {
    stop.store(true);
    thread.Join();
  }

  std::atomic<bool> stop{false};
  std::atomic<bool> finished{false};
  std::atomic<int> ops{0};
  std::atomic<int> failed{0};
  Joined thread;
};

void UnpublishWhileBusy() {
  ASSERT_TRUE(InitTestEal("segunpub"));
  constexpr uint64_t kLength = 1024 * 1024;
  Guarded memory(kLength);
  ImportConnection connection;
  auto nodes = TwoNodes::Start("segunpub");
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);
  SegmentService& exporter = nodes->service(kExporter);

  uint32_t id = 77;
  ASSERT_EQ(
      exporter.Publish(&id, memory.segment(), kLength, OwnerOnly(), nullptr),
      Result::kOk);
  ASSERT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermReadWrite)),
            Result::kOk);
  {
    BusyImporter busy(importer, connection, kLength, 8192);
    ASSERT_TRUE(
        Eventually([&] { return busy.ops.load() >= 20; }, absl::Seconds(10)));
    EXPECT_EQ(busy.failed.load(), 0);
    ASSERT_EQ(exporter.Unpublish(id), Result::kOk);
    const absl::Time unpublished = absl::Now();
    // Nothing reaches the memory after Unpublish returned.
    const std::vector<uint8_t> at_unpublish =
        nodes->Snapshot(kExporter, memory.buffer);
    EXPECT_TRUE(Eventually(
        [&] { return connection.state.load() != ConnectionState::kConnected; },
        absl::Seconds(5)));
    EXPECT_EQ(connection.state.load(), ConnectionState::kRevoked);
    // The importer's calls return: its loop ends.
    ASSERT_TRUE(
        Eventually([&] { return busy.finished.load(); }, absl::Seconds(5)))
        << "the importer's put/get did not return after the unpublish";
    std::printf(
        "revoked and the importer stopped %s after the unpublish, "
        "after %d put+get rounds\n",
        absl::FormatDuration(absl::Now() - unpublished).c_str(),
        busy.ops.load());
    busy.thread.Join();
    EXPECT_TRUE(nodes->Snapshot(kExporter, memory.buffer) == at_unpublish)
        << "the segment's memory changed after the unpublish";
  }
  // Calls on the revoked connection fail at the exporter.
  std::vector<uint8_t> got(100);
  EXPECT_NE(importer.Get(connection, 0, absl::MakeSpan(got)), Result::kOk);
  EXPECT_EQ(exporter.ImportersOf(id), 0u);
  EXPECT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermRead)),
            Result::kNotPublished);

  // Published again under a new id: connecting again works.
  uint32_t again = 0;
  ASSERT_EQ(
      exporter.Publish(&again, memory.segment(), kLength, OwnerOnly(), nullptr),
      Result::kOk);
  EXPECT_NE(again, id);
  ASSERT_EQ(ConnectTo(importer, connection, again, AsOwner(kPermReadWrite)),
            Result::kOk);
  const std::vector<uint8_t> data(3000, 0x42);
  ASSERT_EQ(importer.Put(connection, 5, data), Result::kOk);
  ASSERT_EQ(importer.Get(connection, 5, absl::MakeSpan(got)), Result::kOk);
  EXPECT_TRUE(
      std::all_of(got.begin(), got.end(), [](uint8_t b) { return b == 0x42; }));
  const std::vector<uint8_t> now = nodes->Snapshot(kExporter, memory.buffer);
  EXPECT_TRUE(std::all_of(now.begin() + kGuard + 5, now.begin() + kGuard + 3005,
                          [](uint8_t b) { return b == 0x42; }));
  nodes->StopAll();
}

TEST(SegmentService, UnpublishRevokesABusyImporter) {
  EXPECT_TRUE(RunInChildProcess(UnpublishWhileBusy));
}

// ---------------------------------------------------------------------------
// The exporter's engine stops.

void ExporterStopsWhileBusy() {
  ASSERT_TRUE(InitTestEal("segexpstop"));
  constexpr uint64_t kLength = 1024 * 1024;
  Guarded memory(kLength);
  ImportConnection connection;
  auto nodes = TwoNodes::Start("segexpstop");  // unreachable after 100 ms
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);

  uint32_t id = 0;
  ASSERT_EQ(nodes->service(kExporter).Publish(&id, memory.segment(), kLength,
                                              OwnerOnly(), nullptr),
            Result::kOk);
  ASSERT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermReadWrite)),
            Result::kOk);
  {
    // Several messages per call.
    BusyImporter busy(importer, connection, kLength, 3 * 65536 + 1);
    ASSERT_TRUE(
        Eventually([&] { return busy.ops.load() >= 5; }, absl::Seconds(10)));
    nodes->engine(kExporter).Stop();
    const absl::Time stopped = absl::Now();
    ASSERT_TRUE(Eventually(
        [&] { return connection.state.load() != ConnectionState::kConnected; },
        absl::Seconds(2)))
        << "the connection did not end after the exporter stopped";
    const absl::Duration lost = absl::Now() - stopped;
    EXPECT_EQ(connection.state.load(), ConnectionState::kPeerLost);
    ASSERT_TRUE(
        Eventually([&] { return busy.finished.load(); }, absl::Seconds(3)))
        << "the importer's put/get did not return after the exporter stopped";
    std::printf(
        "connection lost %s after the exporter stopped, importer "
        "loop ended %s after\n",
        absl::FormatDuration(lost).c_str(),
        absl::FormatDuration(absl::Now() - stopped).c_str());
  }

  // Later calls fail, promptly.
  std::vector<uint8_t> data(4096, 1);
  absl::Time start = absl::Now();
  const Result put = importer.Put(connection, 0, data);
  const absl::Duration put_took = absl::Now() - start;
  EXPECT_EQ(put, Result::kPeerUnreachable);
  EXPECT_LT(put_took, absl::Seconds(2)) << "Put on a lost connection";

  start = absl::Now();
  const Result get = importer.Get(connection, 0, absl::MakeSpan(data));
  const absl::Duration get_took = absl::Now() - start;
  EXPECT_NE(get, Result::kOk);
  EXPECT_LT(get_took, absl::Seconds(2))
      << "Get on a lost connection took " << get_took << " and returned "
      << ResultName(get);

  absl::PrintF("after the loss: Put %s in %s, Get %s in %s\n", ResultName(put),
               absl::FormatDuration(put_took), ResultName(get),
               absl::FormatDuration(get_took));
  nodes->StopAll();
}

TEST(SegmentService, ExporterStopEndsABusyImportersConnection) {
  EXPECT_TRUE(RunInChildProcess(ExporterStopsWhileBusy));
}

// A GET that is on its way when the exporter stops: the exporter's thread
// is held in a task while the GET is sent, and stopped before it could
// handle it.
void GetInFlightWhenExporterStops() {
  ASSERT_TRUE(InitTestEal("segexpget"));
  constexpr uint64_t kLength = 256 * 1024;
  Guarded memory(kLength);
  ImportConnection connection;
  auto nodes = TwoNodes::Start("segexpget");  // unreachable after 100 ms
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);

  uint32_t id = 0;
  ASSERT_EQ(nodes->service(kExporter).Publish(&id, memory.segment(), kLength,
                                              OwnerOnly(), nullptr),
            Result::kOk);
  ASSERT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermReadWrite)),
            Result::kOk);
  std::vector<uint8_t> got(kLength);
  ASSERT_EQ(importer.Get(connection, 0, absl::MakeSpan(got)), Result::kOk);

  std::atomic<bool> returned{false};
  Result result = Result::kOk;
  absl::Time stopped;
  {
    EngineBlocker blocker(nodes->engine(kExporter));
    ASSERT_TRUE(blocker.blocked());
    Joined getter([&] {
      result = importer.Get(connection, 0, absl::MakeSpan(got));
      returned.store(true);
    });
    // The GETs are on the wire: sent, not acknowledged.
    ASSERT_TRUE(Eventually([&] { return nodes->InFlightToExporter() > 0; },
                           absl::Seconds(5)));
    Joined stopper([&] { nodes->engine(kExporter).Stop(); });
    ASSERT_TRUE(Eventually([&] { return nodes->engine(kExporter).stopped(); },
                           absl::Seconds(5)));
    stopped = absl::Now();
    blocker.Release();  // the engine thread leaves without another loop
    stopper.Join();
    ASSERT_TRUE(Eventually([&] { return returned.load(); }, absl::Seconds(3)))
        << "a Get in flight did not return after the exporter stopped";
    getter.Join();
  }
  absl::PrintF("the Get in flight returned %s, %s after the exporter stopped\n",
               ResultName(result), absl::FormatDuration(absl::Now() - stopped));
  EXPECT_EQ(result, Result::kPeerUnreachable);
  EXPECT_EQ(connection.state.load(), ConnectionState::kPeerLost);
  EXPECT_EQ(nodes->service(kExporter).counters().gets_served.Get(),
            kLength / SegmentService::kMaxChunk)
      << "the exporter answered a GET sent after it was held";
  nodes->StopAll();
}

TEST(SegmentService, GetInFlightReturnsWhenTheExporterStops) {
  EXPECT_TRUE(RunInChildProcess(GetInFlightWhenExporterStops));
}

// ---------------------------------------------------------------------------
// The importer's own engine stops while a Get waits for its reply.

void ImporterStops() {
  ASSERT_TRUE(InitTestEal("segimpstop"));
  constexpr uint64_t kLength = 64 * 1024;
  Guarded memory(kLength);
  ImportConnection connection;
  auto nodes = TwoNodes::Start("segimpstop", [](EngineOptions& options) {
    // The exporter is held for a moment below; that silence must not count.
    options.unreachable_after = absl::Seconds(5);
  });
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);

  uint32_t id = 0;
  ASSERT_EQ(nodes->service(kExporter).Publish(&id, memory.segment(), kLength,
                                              OwnerOnly(), nullptr),
            Result::kOk);
  ASSERT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermReadWrite)),
            Result::kOk);

  std::atomic<bool> returned{false};
  Result result = Result::kOk;
  std::vector<uint8_t> got(kLength);
  {
    // The exporter cannot answer, so the Get is still waiting when the
    // importer's engine stops.
    EngineBlocker blocker(nodes->engine(kExporter));
    ASSERT_TRUE(blocker.blocked());
    Joined getter([&] {
      result = importer.Get(connection, 0, absl::MakeSpan(got));
      returned.store(true);
    });
    ASSERT_TRUE(Eventually([&] { return nodes->InFlightToExporter() > 0; },
                           absl::Seconds(5)));
    EXPECT_FALSE(returned.load());
    nodes->engine(kImporter).Stop();
    ASSERT_TRUE(Eventually([&] { return returned.load(); }, absl::Seconds(3)))
        << "a Get waiting for its reply did not return when its engine "
           "stopped";
    getter.Join();
    blocker.Release();
  }
  EXPECT_EQ(result, Result::kEngineStopped);
  EXPECT_EQ(connection.state.load(), ConnectionState::kEngineStopped);

  // Every later call fails at once.
  EXPECT_EQ(importer.Get(connection, 0, absl::MakeSpan(got)),
            Result::kEngineStopped);
  EXPECT_EQ(importer.Put(connection, 0, got), Result::kEngineStopped);
  ImportConnection later;
  EXPECT_EQ(ConnectTo(importer, later, id, AsOwner(kPermRead)),
            Result::kEngineStopped);
  EXPECT_FALSE(later.connected());
  importer.Disconnect(connection);  // returns
  EXPECT_EQ(connection.state.load(), ConnectionState::kEngineStopped);
  nodes->StopAll();
}

TEST(SegmentService, ImporterEngineStopEndsWaitingCalls) {
  EXPECT_TRUE(RunInChildProcess(ImporterStops));
}

// ---------------------------------------------------------------------------
// CONNECT payloads that do not parse.

std::vector<uint8_t> Le32s(std::initializer_list<uint32_t> values) {
  std::vector<uint8_t> out;
  for (uint32_t v : values) {
    for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> 8 * i));
  }
  return out;
}

void MalformedConnect() {
  ASSERT_TRUE(InitTestEal("segmalformed"));
  Guarded memory(4096);
  ImportConnection connection;
  auto nodes = TwoNodes::Start("segmalformed", [](EngineOptions& options) {
    // The exporter is held for a moment below; that silence must not count.
    options.unreachable_after = absl::Seconds(5);
  });
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);
  Engine& raw = nodes->engine(kImporter);

  uint32_t id = 0;
  ASSERT_EQ(nodes->service(kExporter).Publish(
                &id, memory.segment(), memory.length,
                {{}, 0666, kOwnerUid, kOwnerGid}, nullptr),
            Result::kOk);

  std::vector<uint8_t> too_many_groups = Le32s({kPermRead, 1, 2, 33});
  too_many_groups.resize(16 + 4 * 33, 0);
  const std::vector<std::vector<uint8_t>> bad = {
      {},                               // empty
      {1, 2, 3},                        // shorter than the fixed part
      Le32s({kPermRead, 1, 2, 1}),      // one group announced, none sent
      Le32s({kPermRead, 1, 2, 0, 99}),  // four bytes too many
      Le32s({kPermRead, 1, 2, 2, 7}),   // two announced, one sent
      too_many_groups,                  // more groups than allowed
  };
  // Tokens no Connect of this test uses.
  uint32_t token = 100000;
  for (const std::vector<uint8_t>& payload : bad) {
    Completion done;
    ASSERT_EQ(raw.SendMessage(kExporter, wire::FrameType::kConnect, id, 0,
                              token++, payload, &done),
              Result::kOk);
    ASSERT_EQ(raw.Wait(done, absl::Now() + absl::Seconds(10)), Result::kOk);
  }
  EXPECT_EQ(nodes->ExporterMalformed(), bad.size());
  const TwoNodes::Counts exporter = nodes->ExporterCountsNow();
  EXPECT_EQ(exporter.connects_granted, 0u);
  EXPECT_EQ(exporter.connects_refused, 0u);
  EXPECT_EQ(nodes->service(kExporter).ImportersOf(id), 0u);
  // Each was answered (kMalformed), to a connect node 1 never made.
  EXPECT_TRUE(Eventually(
      [&] { return importer.counters().unmatched.Get() == bad.size(); },
      absl::Seconds(5)))
      << importer.counters().unmatched.Get();

  // Now a Connect of node 1's service meets a MALFORMED reply: the raw
  // CONNECTs below carry the tokens its next Connect will use (a fresh
  // service numbers them from 1) and reach the exporter first, because the
  // exporter is held until both are on the wire. It answers the bad ones
  // first; the reply to the good one then finds nobody waiting, and the
  // importer releases the connection it was granted.
  constexpr uint32_t kPredicted = 4;  // tokens 1..4, for some slack
  std::atomic<bool> returned{false};
  Result result = Result::kOk;
  {
    EngineBlocker blocker(nodes->engine(kExporter));
    ASSERT_TRUE(blocker.blocked());
    for (uint32_t t = 1; t <= kPredicted; ++t) {
      ASSERT_EQ(raw.SendMessage(kExporter, wire::FrameType::kConnect, id, 0, t,
                                bad[2], nullptr),
                Result::kOk);
    }
    ASSERT_TRUE(
        Eventually([&] { return nodes->InFlightToExporter() == kPredicted; },
                   absl::Seconds(5)));
    Joined connector([&] {
      result = ConnectTo(importer, connection, id, AsOwner(kPermReadWrite));
      returned.store(true);
    });
    ASSERT_TRUE(Eventually(
        [&] { return nodes->InFlightToExporter() == kPredicted + 1; },
        absl::Seconds(5)));
    blocker.Release();
    ASSERT_TRUE(Eventually([&] { return returned.load(); }, absl::Seconds(5)));
    connector.Join();
  }
  EXPECT_EQ(result, Result::kMalformed) << "token " << connection.token;
  EXPECT_LE(connection.token, kPredicted);
  EXPECT_FALSE(connection.connected());
  EXPECT_EQ(nodes->ExporterMalformed(), bad.size() + kPredicted);
  // The good CONNECT was granted, its reply unmatched, and the grant given
  // back with a DISCONNECT.
  EXPECT_EQ(nodes->ExporterCountsNow().connects_granted, 1u);
  EXPECT_TRUE(
      Eventually([&] { return nodes->service(kExporter).ImportersOf(id) == 0; },
                 absl::Seconds(5)));
  EXPECT_TRUE(Eventually(
      [&] {
        return importer.counters().unmatched.Get() ==
               bad.size() + kPredicted;  // kPredicted - 1 bad + 1 good
      },
      absl::Seconds(5)))
      << importer.counters().unmatched.Get();

  // And a well-formed connect still works.
  ASSERT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermReadWrite)),
            Result::kOk);
  EXPECT_TRUE(connection.connected());
  importer.Disconnect(connection);
  nodes->StopAll();
}

TEST(SegmentService, MalformedConnectIsAnsweredMalformed) {
  EXPECT_TRUE(RunInChildProcess(MalformedConnect));
}

// ---------------------------------------------------------------------------
// Requests that once waited or stalled instead of failing.

// A Connect to a node already declared unreachable: the CONNECT used to go
// to the session's backlog, which the engine failed without a word to the
// service (it was sent without a completion), so Connect waited for
// kReplyTimeout (10 s). SendFromEngine now refuses it at once.
void ConnectToALostNode() {
  ASSERT_TRUE(InitTestEal("seglostconnect"));
  Guarded memory(4096);
  ImportConnection connection, later;
  auto nodes = TwoNodes::Start("seglostconnect");  // unreachable after 100 ms
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);
  uint32_t id = 0;
  ASSERT_EQ(nodes->service(kExporter).Publish(
                &id, memory.segment(), memory.length, OwnerOnly(), nullptr),
            Result::kOk);
  ASSERT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermRead)),
            Result::kOk);
  nodes->engine(kExporter).Stop();
  ASSERT_TRUE(Eventually(
      [&] { return connection.state.load() == ConnectionState::kPeerLost; },
      absl::Seconds(2)));
  const absl::Time start = absl::Now();
  const Result result = ConnectTo(importer, later, id, AsOwner(kPermRead));
  const absl::Duration took = absl::Now() - start;
  EXPECT_NE(result, Result::kOk);
  EXPECT_LT(took, absl::Seconds(2)) << "Connect to a lost node returned "
                                    << ResultName(result) << " after " << took;
  nodes->StopAll();
}

TEST(SegmentService, ConnectToALostNodeFailsPromptly) {
  EXPECT_TRUE(RunInChildProcess(ConnectToALostNode));
}

// A frame whose offset + length wraps past 2^64 is dropped by the
// receiver's decoder (kBadLength), so it would never be acknowledged: the
// sender would retransmit it for ever and every later frame of the session
// would wait behind it (heartbeats still flow, so the peer is never declared
// unreachable). The engine refuses to build such a message, so a Get 3 bytes
// below 2^64 (its GET frame carries 8 bytes of request) and a Put of 10
// bytes 5 below 2^64 fail at once and the session keeps working.
void NearTheTopOfTheOffsetRange() {
  ASSERT_TRUE(InitTestEal("segtop"));
  Guarded memory(4096);
  ImportConnection connection;
  auto nodes = TwoNodes::Start("segtop");
  ASSERT_NE(nodes, nullptr);
  SegmentService& importer = nodes->service(kImporter);
  uint32_t id = 0;
  ASSERT_EQ(nodes->service(kExporter).Publish(
                &id, memory.segment(), memory.length, OwnerOnly(), nullptr),
            Result::kOk);
  ASSERT_EQ(ConnectTo(importer, connection, id, AsOwner(kPermReadWrite)),
            Result::kOk);

  std::atomic<int> step{0};
  Result get = Result::kOk, put = Result::kOk, after = Result::kInvalid;
  Joined caller([&] {
    std::vector<uint8_t> bytes(10, 1);
    get = importer.Get(connection, UINT64_MAX - 3,
                       absl::MakeSpan(bytes).first(2));
    step.store(1);
    put = importer.Put(connection, UINT64_MAX - 5, bytes);
    step.store(2);
    after = importer.Get(connection, 0, absl::MakeSpan(bytes));
    step.store(3);
  });
  const bool returned =
      Eventually([&] { return step.load() == 3; }, absl::Seconds(5));
  const int reached = step.load();
  // Stopping the engines fails whatever still waits, so the caller returns.
  nodes->StopAll();
  caller.Join();
  EXPECT_TRUE(returned) << "after 5 s, still in call " << reached + 1
                        << " of 3 (Get near 2^64, Put near 2^64, Get at 0)";
  EXPECT_NE(get, Result::kOk) << ResultName(get);
  EXPECT_NE(put, Result::kOk) << ResultName(put);
  EXPECT_EQ(after, Result::kOk) << ResultName(after);
}

TEST(SegmentService, AccessNearTheTopOfTheOffsetRangeDoesNotStallTheSession) {
  EXPECT_TRUE(RunInChildProcess(NearTheTopOfTheOffsetRange));
}

}  // namespace
}  // namespace rsm::transport
