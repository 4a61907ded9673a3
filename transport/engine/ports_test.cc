// SPDX-License-Identifier: BSD-3-Clause
// The engine over each kind of port a cluster file can name, brought up as a
// program would bring it up from its cluster file: the file is loaded, EAL
// started with its arguments (--vdev= from [controller.dpdk0]), the port found
// with FindPort and an engine created on it. Every node runs in a forked
// child with an EAL of its own.
//
//   net_memif       two processes (server and client), 1 000 messages each way
//   net_null        one process; frames vanish, the peer is unreachable
//   net_tap         two processes, the taps joined by a Linux bridge
//   net_af_packet   two processes on the two ends of a veth pair
//
// tap and af_packet create network devices, so they run in the test's private
// network namespace: the KernelPortsTest cases are the ports_kernel_test
// target, tagged block-network (see BUILD.bazel), and refuse to run in a
// namespace that has any interface but lo. By hand: unshare -n as root.
//
// PortsTest.MemifPeerRestartsWhileWePoll is a crash of DPDK's memif PMD that
// the engine survives (see there).
#include <net/if.h>
#include <poll.h>
#include <rte_eal.h>
#include <rte_ethdev.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "transport/config.h"
#include "transport/eal.h"
#include "transport/engine/engine.h"
#include "transport/port.h"
#include "transport/testing/child_process.h"

namespace rsm::transport {
namespace {

using ::rsm::testing::RunInChildProcess;

// ---------------------------------------------------------------------------
// Children that meet at barriers.
//
// Each body runs in a forked child. A child arriving at a barrier tells the
// parent and waits (driving its engine, if it has one) until every child has
// arrived; the parent may act at a barrier (create network devices) before
// it releases them. If a child dies, the parent releases nobody again, so
// the others fail at their next barrier instead of waiting for the timeout.

int child_to_parent = -1;
int parent_to_child = -1;

// In a child: arrives at the next barrier and returns once every child has
// arrived (and the parent has done what it does there). Calls
// `while_waiting` meanwhile. False if a sibling or the parent gave up.
bool Barrier(const std::function<void()>& while_waiting = {}) {
  const char arrived = 'a';
  if (write(child_to_parent, &arrived, 1) != 1) return false;
  for (;;) {
    pollfd fd{parent_to_child, POLLIN, 0};
    const int ready = poll(&fd, 1, while_waiting ? 0 : 10);
    if (ready > 0) {
      char released;
      return read(parent_to_child, &released, 1) == 1;
    }
    if (ready < 0 && errno != EINTR) return false;
    if (while_waiting) while_waiting();
  }
}

// What the parent does at barrier `barrier` (from 0), knowing the children's
// pids, before it releases them; false: release nobody.
using AtBarrier =
    std::function<bool(int barrier, const std::vector<pid_t>& pids)>;

// In the parent: runs every body in a child of its own, all at once, and
// runs `at_barrier` (optional) at each barrier. True if every child ran its
// body to the end with no gtest failure within the timeout.
bool RunChildren(const std::vector<std::function<void()>>& bodies,
                 const AtBarrier& at_barrier, int timeout_seconds) {
  signal(SIGPIPE, SIG_IGN);  // a released child may be gone already
  const size_t n = bodies.size();
  std::vector<int> up(n, -1), down(n, -1), child_up(n, -1), child_down(n, -1);
  for (size_t i = 0; i < n; ++i) {
    int fds[2];
    if (pipe(fds) != 0) return false;
    up[i] = fds[0];
    child_up[i] = fds[1];
    if (pipe(fds) != 0) return false;
    child_down[i] = fds[0];
    down[i] = fds[1];
  }
  std::fflush(nullptr);
  std::vector<pid_t> pids(n, -1);
  for (size_t i = 0; i < n; ++i) {
    pids[i] = fork();
    if (pids[i] < 0) {
      ADD_FAILURE() << "fork failed";
      for (size_t j = 0; j < i; ++j) kill(pids[j], SIGKILL);
      return false;
    }
    if (pids[i] == 0) {
      // Only its own ends stay open, so that a sibling's death is seen.
      for (size_t j = 0; j < n; ++j) {
        close(up[j]);
        close(down[j]);
        if (j != i) {
          close(child_up[j]);
          close(child_down[j]);
        }
      }
      child_to_parent = child_up[i];
      parent_to_child = child_down[i];
      bodies[i]();
      std::fflush(nullptr);
      _exit(::testing::Test::HasFailure() ? 1 : 0);
    }
  }
  for (size_t i = 0; i < n; ++i) {
    close(child_up[i]);
    close(child_down[i]);
  }

  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::seconds(timeout_seconds);
  std::vector<int> arrivals(n, 0);
  std::vector<int> status(n, 0);
  std::vector<bool> reaped(n, false);
  int barrier = 0;
  bool abandoned = false;  // barriers are over: nobody is released again
  bool ok = true;
  auto abandon = [&] {
    abandoned = true;
    for (int& fd : down) {
      if (fd >= 0) close(fd);
      fd = -1;
    }
  };
  size_t running = n;
  while (running > 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      ADD_FAILURE() << "children did not finish within " << timeout_seconds
                    << " s";
      for (size_t i = 0; i < n; ++i) {
        if (!reaped[i]) kill(pids[i], SIGKILL);
      }
      ok = false;
      abandon();
    }
    std::vector<pollfd> fds;
    std::vector<size_t> owner;
    for (size_t i = 0; i < n; ++i) {
      if (up[i] < 0) continue;
      fds.push_back({up[i], POLLIN, 0});
      owner.push_back(i);
    }
    if (!fds.empty()) poll(fds.data(), fds.size(), 5);
    for (size_t k = 0; k < fds.size(); ++k) {
      if ((fds[k].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
      const size_t i = owner[k];
      char byte;
      if (read(up[i], &byte, 1) == 1) {
        ++arrivals[i];
      } else {
        close(up[i]);
        up[i] = -1;
      }
    }
    if (!abandoned) {
      bool all_arrived = true, stuck = false;
      for (size_t i = 0; i < n; ++i) {
        if (arrivals[i] <= barrier) {
          all_arrived = false;
          if (up[i] < 0) stuck = true;  // gone before this barrier
        }
      }
      if (all_arrived) {
        if (at_barrier && !at_barrier(barrier, pids)) {
          ADD_FAILURE() << "the parent's part of barrier " << barrier
                        << " failed";
          abandon();
        } else {
          const char go = 'g';
          for (int fd : down) {
            if (write(fd, &go, 1) != 1) {
              // That child is gone; the others see it at their next barrier.
            }
          }
          ++barrier;
        }
      } else if (stuck) {
        abandon();
      }
    }
    for (size_t i = 0; i < n; ++i) {
      if (reaped[i]) continue;
      const pid_t done = waitpid(pids[i], &status[i], WNOHANG);
      if (done == pids[i]) {
        reaped[i] = true;
        --running;
      }
    }
  }
  for (size_t i = 0; i < n; ++i) {
    if (up[i] >= 0) close(up[i]);
    if (down[i] >= 0) close(down[i]);
    if (WIFSIGNALED(status[i])) {
      ADD_FAILURE() << "child " << i << " killed by signal "
                    << WTERMSIG(status[i]);
      ok = false;
    } else if (!WIFEXITED(status[i]) || WEXITSTATUS(status[i]) != 0) {
      ADD_FAILURE() << "child " << i << " failed";
      ok = false;
    }
  }
  return ok;
}

// ---------------------------------------------------------------------------
// Cluster files.

MacAddress MacOf(uint32_t node) {
  return {0x02, 0x00, 0x00, 0x00, 0x00, static_cast<uint8_t>(node)};
}

// Unique per test run (parallel runs share the host's abstract socket names
// and pids need not differ between sandboxes): TEST_TMPDIR, the clock and
// the kernel's randomness.
std::string UniqueToken() {
  const char* tmpdir = std::getenv("TEST_TMPDIR");
  uint64_t h = std::hash<std::string>{}(tmpdir != nullptr ? tmpdir : "");
  h ^= static_cast<uint64_t>(
      std::chrono::steady_clock::now().time_since_epoch().count());
  h ^= static_cast<uint64_t>(std::random_device{}()) << 17;
  return absl::StrFormat("%08x", static_cast<uint32_t>(h ^ (h >> 32)));
}

std::string TempDir() {
  const char* tmpdir = std::getenv("TEST_TMPDIR");
  return tmpdir != nullptr ? tmpdir : "/tmp";
}

// Writes the cluster file of `node` in a two-node cluster whose nodes reach
// each other through controller dpdk0 on `device`; returns its path. The
// EAL file prefix is fixed per case and node (with --no-shconf, parallel
// runs may share it), so that runs outside the sandbox, where EAL creates a
// runtime directory per prefix, do not pile them up.
std::string WriteClusterFile(const std::string& name, uint32_t node, int core,
                             const std::string& device) {
  const std::string path =
      absl::StrCat(TempDir(), "/", name, "_node", node, ".conf");
  std::ofstream file(path);
  file << "; " << name << ", node " << node << " (written by ports_test)\n"
       << "[cluster]\n"
       << "node_id = " << node << "\n"
       << "[eal]\n"
       << "args = --no-huge --no-pci -m 256 --no-shconf --no-telemetry"
       << " --file-prefix=rsmports_" << name << node << " -l " << core
       << " --log-level=*:warning\n"
       << "[controller.dpdk0]\n"
       << "device = " << device << "\n";
  for (uint32_t id = 1; id <= 2; ++id) {
    file << "[node." << id << "]\n"
         << "dpdk0 = " << MacToString(MacOf(id)) << "\n";
  }
  return file.good() ? path : "";
}

// What a program holds once its cluster file has brought it up.
struct Node {
  ClusterConfig config;
  PortInfo port{};
  std::unique_ptr<Engine> engine;
};

// In a child: loads the cluster file, starts EAL with its arguments and
// finds the port of controller dpdk0.
absl::Status StartEal(const std::string& path, Node* node) {
  absl::StatusOr<ClusterConfig> config = LoadClusterConfig(path);
  if (!config.ok()) return config.status();
  node->config = *std::move(config);
  if (absl::Status eal = EnsureEalInitialized(node->config); !eal.ok()) {
    return eal;
  }
  const ControllerConfig* controller = node->config.FindController("dpdk0");
  if (controller == nullptr) return absl::NotFoundError("no dpdk0");
  absl::StatusOr<PortInfo> port = FindPort(node->config, *controller);
  if (!port.ok()) return port.status();
  node->port = *port;
  return absl::OkStatus();
}

// Creates the engine on the node's port; its peers are the cluster file's
// nodes with a MAC on dpdk0.
absl::Status CreateEngine(Node* node, MessageSink* sink,
                          absl::Duration unreachable_after) {
  EngineOptions options;
  options.node_id = node->config.node_id;
  options.mac = node->port.mac;
  options.port_id = node->port.port_id;
  for (const NodeConfig& peer : node->config.nodes) {
    for (const auto& [controller, mac] : peer.controller_macs) {
      if (controller == "dpdk0") options.peers.push_back({peer.id, mac});
    }
  }
  options.unreachable_after = unreachable_after;
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      Engine::Create(options, sink);
  if (!engine.ok()) return engine.status();
  node->engine = *std::move(engine);
  return absl::OkStatus();
}

bool LinkUp(const Node& node) {
  const ControllerConfig* controller = node.config.FindController("dpdk0");
  absl::StatusOr<PortInfo> port = FindPort(node.config, *controller);
  return port.ok() && port->link_up;
}

bool IsMemif(uint16_t port_id) {
  rte_eth_dev_info info{};
  return rte_eth_dev_info_get(port_id, &info) == 0 &&
         info.driver_name != nullptr &&
         std::strcmp(info.driver_name, "net_memif") == 0;
}

// Teardown, with the peer (two-node runs) in step. DPDK 22.11's memif tears
// a connection down in the EAL interrupt thread when the peer disconnects,
// unguarded against the data path and against a local rte_eth_dev_stop, so
// the two nodes leave one at a time:
//
//   1. nobody polls any more (barrier): a node in rte_eth_rx_burst or
//      rte_eth_tx_burst when its peer disconnected crashed (SIGSEGV in the
//      memif PMD: 1 of 6 runs under Bazel, 1 of 105 outside, before the
//      engine's burst guard; see MemifPeerRestartsWhileWePoll)
//   2. node 2 stops and closes its port (barrier); node 1 waits until its
//      interrupt thread has handled that disconnect (memif marks the link
//      down last), then stops and closes its own: the two at once crashed
//      inside node 1's rte_eth_dev_stop (2 of 66 runs under Bazel)
//   3. both closed (barrier), 300 ms for the interrupt threads, then
//      rte_eal_cleanup (dpdk-on-this-machine.md §8.2)
void TearDownNode(Node& node, bool with_peer) {
  const uint16_t port = node.port.port_id;
  const bool first_to_leave = node.config.node_id != 1;
  if (with_peer) {
    EXPECT_TRUE(Barrier());
    if (!first_to_leave) {
      EXPECT_TRUE(Barrier());
      const absl::Time deadline = absl::Now() + absl::Seconds(2);
      while (IsMemif(port) && LinkUp(node) && absl::Now() < deadline) {
        absl::SleepFor(absl::Milliseconds(1));
      }
    }
  }
  node.engine->Stop();
  EXPECT_EQ(rte_eth_dev_close(port), 0);
  if (with_peer) {
    if (first_to_leave) {
      EXPECT_TRUE(Barrier());
    }
    EXPECT_TRUE(Barrier());
  }
  absl::SleepFor(absl::Milliseconds(300));
  node.engine.reset();
  EXPECT_EQ(rte_eal_cleanup(), 0);
}

// ---------------------------------------------------------------------------
// Traffic.

// Message `i` from node `from`: its size (0 to 8 KiB, frame boundaries
// first, then a spread) and its bytes.
size_t MessageSize(uint32_t i) {
  static constexpr size_t kEdges[] = {0,    1,    1443, 1444, 1445,
                                      2888, 2889, 8191, 8192};
  constexpr size_t kEdgeCount = sizeof(kEdges) / sizeof(kEdges[0]);
  if (i < kEdgeCount) return kEdges[i];
  return ((i * 2654435761u) >> 7) % 8193;
}

uint8_t MessageByte(uint32_t from, uint32_t i, size_t k) {
  return static_cast<uint8_t>(from * 101 + i * 31 + k * 7 + (k >> 8));
}

std::vector<uint8_t> MessageBytes(uint32_t from, uint32_t i) {
  std::vector<uint8_t> bytes(MessageSize(i));
  for (size_t k = 0; k < bytes.size(); ++k) bytes[k] = MessageByte(from, i, k);
  return bytes;
}

// Checks that the peer's messages arrive whole and in order: the i-th one
// has offset i and MessageBytes(peer, i).
class CheckingSink : public MessageSink {
 public:
  explicit CheckingSink(uint32_t peer) : peer_(peer) {}

  void OnMessage(uint32_t peer, const wire::FrameHeader& first,
                 absl::Span<const uint8_t> payload) override {
    const uint32_t i = received_++;
    bool good = peer == peer_ && first.type == wire::FrameType::kPut &&
                first.offset == i && first.aux == peer_ &&
                payload.size() == MessageSize(i);
    for (size_t k = 0; good && k < payload.size(); ++k) {
      good = payload[k] == MessageByte(peer_, i, k);
    }
    if (!good && bad_++ == 0) {
      first_bad_ = absl::StrFormat(
          "message %u: from node %u, offset %u, aux %u, %u bytes (expected "
          "from node %u, offset %u, %u bytes)",
          i, peer, first.offset, first.aux, payload.size(), peer_, i,
          MessageSize(i));
    }
  }

  uint32_t received() const { return received_; }
  uint32_t bad() const { return bad_; }
  const std::string& first_bad() const { return first_bad_; }

 private:
  const uint32_t peer_;
  uint32_t received_ = 0;
  uint32_t bad_ = 0;
  std::string first_bad_;
};

// Sends `count` messages to `peer`, each with a completion, and waits for
// them all to be acknowledged.
void SendAll(Engine& engine, uint32_t peer, uint32_t count,
             absl::Duration timeout) {
  const uint32_t me = engine.node_id();
  std::vector<Completion> done(count);
  for (uint32_t i = 0; i < count; ++i) {
    const std::vector<uint8_t> payload = MessageBytes(me, i);
    ASSERT_EQ(engine.SendMessage(peer, wire::FrameType::kPut, 1, i, me, payload,
                                 &done[i]),
              Result::kOk)
        << "message " << i;
  }
  const absl::Time deadline = absl::Now() + timeout;
  for (uint32_t i = 0; i < count; ++i) {
    const std::optional<Result> result = engine.Wait(done[i], deadline);
    ASSERT_TRUE(result.has_value()) << "message " << i << " not completed";
    ASSERT_EQ(*result, Result::kOk)
        << "message " << i << ": " << ResultName(*result);
  }
}

// Drives the engine until `count` messages have arrived.
void ReceiveAll(Engine& engine, const CheckingSink& sink, uint32_t count,
                absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (sink.received() < count && absl::Now() < deadline) engine.RunOnce();
  EXPECT_EQ(sink.received(), count);
  EXPECT_EQ(sink.bad(), 0u) << sink.first_bad();
}

void PrintCounters(const Node& node, const char* kind, absl::Duration took) {
  const Engine& engine = *node.engine;
  const PeerCounters* peer = engine.peer_counters(3 - engine.node_id());
  std::printf("%s node %u: traffic took %s; port: %s; delivered %llu\n", kind,
              engine.node_id(), absl::FormatDuration(took).c_str(),
              CountersToString(engine.port_counters()).c_str(),
              static_cast<unsigned long long>(peer->messages_delivered.Get()));
  std::fflush(stdout);
}

struct TwoNodeRun {
  const char* kind;
  std::string config_path;  // this node's cluster file
  uint32_t messages;        // each way
  // Between EAL bring-up and creating the engine.
  absl::Duration start_delay = absl::ZeroDuration();
  absl::Duration timeout = absl::Seconds(30);
};

// One node of a two-node run: barrier 0 before EAL (the parent may create
// the network devices that EAL will probe), barrier 1 once EAL is up (the
// port exists), barrier 2 once the engine has started the port; node 1 then
// sends `messages` to node 2 and node 2 the same back once it has them all;
// barrier 3 when both are done (driving, so that the last acks flow);
// barriers 4 to 6 in TearDownNode.
void RunNode(const TwoNodeRun& run) {
  Node node;
  ASSERT_TRUE(Barrier());
  const absl::Status up = StartEal(run.config_path, &node);
  ASSERT_TRUE(up.ok()) << up;
  const uint32_t me = node.config.node_id;
  const uint32_t peer = 3 - me;
  CheckingSink sink(peer);
  ASSERT_TRUE(Barrier());
  absl::SleepFor(run.start_delay);
  // A loaded machine must not make the peer look dead: this test is about
  // the ports, peer_failure_test about liveness.
  const absl::Status created =
      CreateEngine(&node, &sink, /*unreachable_after=*/absl::Seconds(10));
  ASSERT_TRUE(created.ok()) << created;
  Engine& engine = *node.engine;
  auto drive = [&engine] { engine.RunOnce(); };
  ASSERT_TRUE(Barrier(drive));

  const absl::Time link_deadline = absl::Now() + absl::Seconds(10);
  while (!LinkUp(node) && absl::Now() < link_deadline) engine.RunOnce();
  ASSERT_TRUE(LinkUp(node)) << run.kind << ": link down";

  const absl::Time start = absl::Now();
  if (me == 1) {
    SendAll(engine, peer, run.messages, run.timeout);
    ReceiveAll(engine, sink, run.messages, run.timeout);
  } else {
    ReceiveAll(engine, sink, run.messages, run.timeout);
    SendAll(engine, peer, run.messages, run.timeout);
  }
  const absl::Duration took = absl::Now() - start;
  ASSERT_TRUE(Barrier(drive));
  PrintCounters(node, run.kind, took);
  EXPECT_EQ(engine.frames_in_flight(peer), 0u);
  EXPECT_EQ(engine.peer_counters(peer)->messages_delivered.Get(), run.messages);
  EXPECT_EQ(engine.peer_counters(peer)->unreachable.Get(), 0u);
  TearDownNode(node, /*with_peer=*/true);
}

bool RunTwoNodes(TwoNodeRun node1, TwoNodeRun node2,
                 const AtBarrier& at_barrier = {}) {
  return RunChildren({[&] { RunNode(node1); }, [&] { RunNode(node2); }},
                     at_barrier, 90);
}

// The network devices these cases create must never land in the host's
// namespace: true if this process's namespace has no interface but lo.
bool OnlyLoopback() {
  struct if_nameindex* names = if_nameindex();
  if (names == nullptr) return false;
  bool only_lo = true;
  for (const struct if_nameindex* name = names; name->if_index != 0; ++name) {
    if (std::strcmp(name->if_name, "lo") != 0) only_lo = false;
  }
  if_freenameindex(names);
  return only_lo;
}

constexpr char kNeedsPrivateNetns[] =
    "this case creates network devices and needs a network namespace of its "
    "own: Bazel's sandbox with tags = [\"block-network\"] (not \"local\" or "
    "\"exclusive\", which turn the sandbox off), or unshare -n";

// Runs `command` with /bin/sh (iproute2's ip may be outside the test's PATH).
bool Shell(const std::string& command) {
  const std::string line =
      absl::StrCat("PATH=/usr/sbin:/sbin:/usr/bin:/bin:$PATH; ", command);
  const int rc = std::system(line.c_str());
  if (rc != 0) {
    ADD_FAILURE() << "'" << command << "' failed (" << rc
                  << "); tap and veth need the test's own network namespace"
                     " (tags = [\"block-network\"])";
  }
  return rc == 0;
}

// ---------------------------------------------------------------------------
// Cases.

// Two processes over memif, server (node 1) and client (node 2). The server
// starts its port 300 ms after both EALs are up, so the client always
// connects too early, is refused, and must be restarted by StartPort. memif
// copies every frame into the receiver's own mbufs (unlike net_ring, which
// hands over the sender's). Frames are at most 1 514 bytes, so bsize=2048
// keeps each in one descriptor (dpdk-on-this-machine.md §8.1).
TEST(PortsTest, MemifTwoProcessesBothWays) {
  const std::string socket = absl::StrCat("/rsm-memif-", UniqueToken());
  const std::string options =
      absl::StrCat("socket=", socket, ",socket-abstract=yes,bsize=2048");
  TwoNodeRun server{
      "memif",
      WriteClusterFile("memif", 1, 1, "net_memif0,role=server," + options),
      1000};
  TwoNodeRun client{
      "memif",
      WriteClusterFile("memif", 2, 0, "net_memif0,role=client," + options),
      1000};
  ASSERT_FALSE(server.config_path.empty());
  ASSERT_FALSE(client.config_path.empty());
  server.start_delay = absl::Milliseconds(300);
  EXPECT_TRUE(RunTwoNodes(server, client));
}

// net_null: what is sent vanishes and what is received is made up. The
// engine starts, drops every invented frame as not a frame of ours, delivers
// nothing, and the requests waiting on the peer that never answers fail
// within the unreachable bound.
TEST(PortsTest, NullPortPeerNeverAnswers) {
  const std::string path = WriteClusterFile("null", 1, 0, "net_null0");
  ASSERT_FALSE(path.empty());
  EXPECT_TRUE(RunInChildProcess([&] {
    Node node;
    const absl::Status up = StartEal(path, &node);
    ASSERT_TRUE(up.ok()) << up;
    CheckingSink sink(2);
    const absl::Duration bound = absl::Milliseconds(100);
    const absl::Status created = CreateEngine(&node, &sink, bound);
    ASSERT_TRUE(created.ok()) << created;
    Engine& engine = *node.engine;

    std::vector<Completion> done(10);
    const absl::Time start = absl::Now();
    for (uint32_t i = 0; i < done.size(); ++i) {
      const std::vector<uint8_t> payload = MessageBytes(1, i + 3);
      ASSERT_EQ(engine.SendMessage(2, wire::FrameType::kPut, 1, i, 1, payload,
                                   &done[i]),
                Result::kOk);
    }
    for (Completion& d : done) {
      const std::optional<Result> result =
          engine.Wait(d, start + absl::Seconds(5));
      ASSERT_TRUE(result.has_value());
      EXPECT_EQ(*result, Result::kPeerUnreachable) << ResultName(*result);
    }
    const absl::Duration took = absl::Now() - start;
    // The bound counts time the engine was driven: a process starved of CPU
    // for longer than a heartbeat gives its peers a fresh hearing (the
    // silence was its own), so a loaded machine stretches it.
    EXPECT_LT(took, bound + absl::Milliseconds(400));
    // Keep receiving a little, as a program would.
    for (int i = 0; i < 100; ++i) engine.RunOnce();

    const PortCounters& counters = engine.port_counters();
    uint64_t drops = 0;
    for (int r = 0; r < static_cast<int>(DropReason::kCount); ++r) {
      drops += counters.Drops(static_cast<DropReason>(r));
    }
    std::printf("null: failed after %s; port: %s\n",
                absl::FormatDuration(took).c_str(),
                CountersToString(counters).c_str());
    EXPECT_GT(counters.frames_in.Get(), 0u);
    EXPECT_GT(counters.frames_out.Get(), 0u);  // the HELLOs, into the void
    EXPECT_GT(drops, 0u);
    EXPECT_GT(counters.Drops(DropReason::kMalformed) +
                  counters.Drops(DropReason::kBadChecksum),
              0u);
    EXPECT_EQ(drops, counters.frames_in.Get());
    EXPECT_EQ(sink.received(), 0u);
    EXPECT_EQ(engine.peer_counters(2)->frames_in.Get(), 0u);
    EXPECT_EQ(engine.peer_counters(2)->unreachable.Get(), 1u);
    TearDownNode(node, /*with_peer=*/false);
  }));
}

// Two processes, each with a tap; the parent bridges the two interfaces
// (once EAL has created them) in the test's network namespace. The tap PMD
// only reads after a SIGIO, so this is a functional check, kept small.
TEST(KernelPortsTest, TapTwoProcessesThroughABridge) {
  ASSERT_TRUE(OnlyLoopback()) << kNeedsPrivateNetns;
  const std::string token = UniqueToken().substr(0, 4);
  const std::string tap1 = "rsmtap1" + token, tap2 = "rsmtap2" + token;
  const std::string bridge = "rsmbr" + token;
  TwoNodeRun node1{
      "tap", WriteClusterFile("tap", 1, 1, "net_tap0,iface=" + tap1), 200};
  TwoNodeRun node2{
      "tap", WriteClusterFile("tap", 2, 0, "net_tap0,iface=" + tap2), 200};
  ASSERT_FALSE(node1.config_path.empty());
  ASSERT_FALSE(node2.config_path.empty());
  EXPECT_TRUE(RunTwoNodes(node1, node2, [&](int barrier, auto&) {
    if (barrier != 1) return true;  // EAL has created the taps
    return Shell(absl::StrCat("ip link add ", bridge, " type bridge && ",
                              "ip link set ", tap1, " master ", bridge,
                              " && ip link set ", tap2, " master ", bridge,
                              " && ip link set ", bridge, " up"));
  }));
  Shell(absl::StrCat("ip link del ", bridge));  // the taps died with EAL
}

// Two processes on the two ends of a veth pair, over af_packet.
//
// DPDK 22.11's af_packet PMD puts its socket in the PACKET_FANOUT group
// (getpid() ^ ifindex) & 0xffff, and the kernel refuses (EINVAL) to add a
// socket on another interface to an existing group of the same network
// namespace, so the second process fails to probe its port when
// pid1 ^ ifindex1 == pid2 ^ ifindex2 (with consecutive pids and ifindexes,
// one run in four). The parent therefore creates the pair once it knows the
// children's pids (barrier 0, before EAL), with ifindexes that keep the two
// groups apart.
TEST(KernelPortsTest, AfPacketTwoProcessesOverVeth) {
  ASSERT_TRUE(OnlyLoopback()) << kNeedsPrivateNetns;
  const std::string token = UniqueToken().substr(0, 4);
  const std::string veth1 = "rsmva" + token, veth2 = "rsmvb" + token;
  TwoNodeRun node1{
      "af_packet",
      WriteClusterFile("afp", 1, 1, "net_af_packet0,iface=" + veth1), 1000};
  TwoNodeRun node2{
      "af_packet",
      WriteClusterFile("afp", 2, 0, "net_af_packet0,iface=" + veth2), 1000};
  ASSERT_FALSE(node1.config_path.empty());
  ASSERT_FALSE(node2.config_path.empty());
  auto fanout_group = [](pid_t pid, int ifindex) {
    return (static_cast<unsigned>(pid) ^ static_cast<unsigned>(ifindex)) &
           0xffff;
  };
  EXPECT_TRUE(RunTwoNodes(
      node1, node2, [&](int barrier, const std::vector<pid_t>& pids) {
        if (barrier != 0) return true;
        const int index1 = 1000;
        int index2 = index1 + 1;
        if (fanout_group(pids[0], index1) == fanout_group(pids[1], index2)) {
          ++index2;
        }
        return Shell(absl::StrCat("ip link add ", veth1, " index ", index1,
                                  " type veth peer name ", veth2, " index ",
                                  index2, " && ip link set ", veth1,
                                  " up && ip link set ", veth2, " up"));
      }));
  Shell(absl::StrCat("ip link del ", veth1));  // and its peer
}

// A DPDK 22.11 memif bug, survived: the server keeps sending and polling
// while the client stops and restarts its port 40 times (as a restarted
// node, or StartPort's retry, would). memif unmaps the shared rings in the
// EAL interrupt thread on disconnect, racing the data path; unguarded, the
// server died with SIGSEGV inside the memif PMD's rx or tx burst in about 9
// runs of 10. The engine's burst guard (burst_guard.h) abandons such a burst.
TEST(PortsTest, MemifPeerRestartsWhileWePoll) {
  const std::string socket = absl::StrCat("/rsm-memif-", UniqueToken());
  const std::string options =
      absl::StrCat("socket=", socket, ",socket-abstract=yes,bsize=2048");
  const std::string server = WriteClusterFile(
      "memifrestart", 1, 1, "net_memif0,role=server," + options);
  const std::string client = WriteClusterFile(
      "memifrestart", 2, 0, "net_memif0,role=client," + options);
  auto body = [](const std::string& path) {
    Node node;
    const absl::Status up = StartEal(path, &node);
    ASSERT_TRUE(up.ok()) << up;
    CheckingSink sink(3 - node.config.node_id);
    ASSERT_TRUE(Barrier());
    const absl::Status created =
        CreateEngine(&node, &sink, /*unreachable_after=*/absl::Seconds(10));
    ASSERT_TRUE(created.ok()) << created;
    Engine& engine = *node.engine;
    if (node.config.node_id == 1) {
      ASSERT_TRUE(Barrier([&] {
        engine.SendMessage(2, wire::FrameType::kPut, 1, 0, 1, {}, nullptr);
        for (int i = 0; i < 10; ++i) engine.RunOnce();
      }));
      std::printf("server survived the restarts: %s\n",
                  CountersToString(engine.port_counters()).c_str());
    } else {
      for (int restart = 0; restart < 40; ++restart) {
        for (int i = 0; i < 2000; ++i) engine.RunOnce();
        ASSERT_EQ(rte_eth_dev_stop(node.port.port_id), 0);
        absl::SleepFor(absl::Milliseconds(2));
        int failed_starts = 0;
        while (rte_eth_dev_start(node.port.port_id) != 0) {
          ASSERT_LT(++failed_starts, 100) << "the server is gone";
          absl::SleepFor(absl::Milliseconds(5));
        }
        absl::SleepFor(absl::Milliseconds(5));
      }
      ASSERT_TRUE(Barrier());
    }
    // No orderly teardown: the point was made above.
    std::fflush(nullptr);
    _exit(::testing::Test::HasFailure() ? 1 : 0);
  };
  EXPECT_TRUE(
      RunChildren({[&] { body(server); }, [&] { body(client); }}, {}, 60));
}

}  // namespace
}  // namespace rsm::transport
