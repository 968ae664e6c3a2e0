#include "bitmill/util/ordered_pipeline.h"

#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

namespace bitmill {
namespace {

struct Block {
  int id = -1;  // which allocation this is: -1 until the test's read step numbers it
  uint64_t index = 0;
  std::vector<uint64_t> values;
  uint64_t sum = 0;
};

// What a pipeline run did, for the assertions.
struct Run {
  Status status;
  std::vector<uint64_t> written;  // block indices, in write order
  std::vector<uint64_t> sums;
  int blocks = 0;          // distinct Block objects the pipeline made
  int max_concurrent = 0;  // most blocks between read and write at once
};

// Block i holds the numbers [8i, 8i + 8); process sums them after a random sleep, so that blocks
// finish out of order. fail_process / fail_read: the block index whose step fails (none: -1).
Run run_blocks(size_t threads, size_t in_flight, uint64_t count, int64_t fail_process = -1, int64_t fail_read = -1) {
  tbb::global_control limit(tbb::global_control::max_allowed_parallelism, threads);
  Run r;
  uint64_t next = 0;
  std::atomic<int> live{0};
  std::atomic<int> peak{0};
  r.status = run_ordered_pipeline<Block>(
      in_flight,
      [&](Block& b) -> Expected<bool> {
        if (static_cast<int64_t>(next) == fail_read) return data_error("read failed at " + std::to_string(next));
        if (next == count) return false;
        if (b.id < 0) b.id = r.blocks++;
        b.index = next++;
        b.values.clear();
        for (uint64_t v = 0; v < 8; ++v) b.values.push_back(8 * b.index + v);
        const int now = ++live;
        int seen = peak.load();
        while (now > seen && !peak.compare_exchange_weak(seen, now)) {
        }
        return true;
      },
      [&](Block& b) -> Status {
        thread_local std::mt19937 rng(std::random_device{}());
        std::this_thread::sleep_for(std::chrono::microseconds(rng() % 300));
        b.sum = 0;
        for (uint64_t v : b.values) b.sum += v;
        if (static_cast<int64_t>(b.index) == fail_process) return data_error("block " + std::to_string(b.index));
        return Status::ok();
      },
      [&](Block& b) -> Status {
        --live;
        r.written.push_back(b.index);
        r.sums.push_back(b.sum);
        return Status::ok();
      });
  r.max_concurrent = peak.load();
  return r;
}

}  // namespace

TEST_CASE("ordered pipeline: every block written once, in input order, at any thread count") {
  for (size_t threads : {1, 2, 4, 8}) {
    CAPTURE(threads);
    const Run r = run_blocks(threads, 2 * threads, 200);
    REQUIRE(r.status.is_ok());
    REQUIRE(r.written.size() == 200);
    for (uint64_t i = 0; i < 200; ++i) {
      CHECK(r.written[i] == i);
      CHECK(r.sums[i] == 64 * i + 28);  // 8i + 0 + ... + 8i + 7, written down independently
    }
  }
}

TEST_CASE("ordered pipeline: at most in_flight blocks exist, and they are reused") {
  for (size_t in_flight : {1, 3, 6}) {
    CAPTURE(in_flight);
    const Run r = run_blocks(4, in_flight, 300);
    REQUIRE(r.status.is_ok());
    CHECK(r.blocks >= 1);
    CHECK(r.blocks <= static_cast<int>(in_flight));
    CHECK(r.max_concurrent <= static_cast<int>(in_flight));
  }
  const Run zero = run_blocks(2, 0, 10);  // 0 means 1: the pipeline still runs
  CHECK(zero.status.is_ok());
  CHECK(zero.written.size() == 10);
}

TEST_CASE("ordered pipeline: the first failure in input order is reported, and nothing after it is written") {
  const Run p = run_blocks(4, 8, 100, /*fail_process=*/37);
  CHECK(p.status.message() == "block 37");
  REQUIRE(p.written.size() == 37);
  for (uint64_t i = 0; i < 37; ++i) CHECK(p.written[i] == i);

  const Run rd = run_blocks(4, 8, 100, -1, /*fail_read=*/50);
  CHECK(rd.status.message() == "read failed at 50");
  CHECK(rd.written.size() == 50);

  // A process failure before the read failure wins: it comes first in the input.
  const Run both = run_blocks(4, 8, 100, /*fail_process=*/48, /*fail_read=*/50);
  CHECK(both.status.message() == "block 48");
  CHECK(both.written.size() == 48);

  const Run empty = run_blocks(2, 4, 0);
  CHECK(empty.status.is_ok());
  CHECK(empty.written.empty());
}

}  // namespace bitmill
