// The shape of every streaming tool: read the input in order, process pieces of it in parallel,
// write the results in input order. bitmill-embed, bitmill-filter and bitmill-dedup run on it.
//
//   Status s = run_ordered_pipeline<Block>(in_flight,
//       [&](Block& b) -> Expected<bool> { ... },   // read: fill b; false at the end of the input
//       [&](Block& b) -> Status { ... },           // process: any thread, many blocks at once
//       [&](Block& b) -> Status { ... });          // write: one block at a time, in input order
//
// Contract:
//  - read and write run on one thread at a time, read in input order and write in the same order;
//    process runs concurrently on up to the caller's TBB thread limit. The write of block i sees
//    only what read and process did to block i, so the output depends on how the reader cuts
//    blocks and on nothing else: byte-identical for any thread count when the cut is.
//  - Memory is bounded: at most `in_flight` blocks exist at once (at least 1). Blocks are reused:
//    a written block goes back to a pool and is handed to read again, so a Block keeps its buffers
//    (read must reset what it does not overwrite) and steady state allocates nothing.
//  - Errors: the first failing step in input order wins. A process error of block i is reported
//    when block i's turn to be written comes (blocks before it are written first); after any
//    error nothing more is read, processed or written. A read error is returned when no block
//    before it failed. Exceptions are not caught (the steps return Status).
//
// Thread safety: the three callables must tolerate the concurrency above; the call itself is
// re-entrant and runs under the calling TBB arena's limits.
#pragma once

#include <tbb/concurrent_queue.h>
#include <tbb/parallel_pipeline.h>

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <memory>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/util/happens_before.h"

namespace bitmill {

template <typename Block, typename Read, typename Process, typename Write>
Status run_ordered_pipeline(size_t in_flight, Read&& read, Process&& process, Write&& write) {
  struct Token {
    Block block;
    Status status;  // of process
  };
  std::vector<std::unique_ptr<Token>> owned;  // touched by the read step only
  tbb::concurrent_queue<Token*> pool;
  Status read_error, error;
  std::atomic<bool> failed{false};
  // The hand-offs oneTBB makes (happens_before.h): the caller's set-up before any step; a token
  // from each step to the next, and back to read through the pool; each serial step's previous
  // call before its next; every step before the caller resumes. &failed stands for the caller's
  // state, &owned for read's, &error for write's, &pool for the pool's own memory.
  happens_before(&failed);

  tbb::parallel_pipeline(
      std::max<size_t>(1, in_flight),
      tbb::make_filter<void, Token*>(tbb::filter_mode::serial_in_order, [&](tbb::flow_control& fc) -> Token* {
        happens_after(&failed);
        happens_after(&owned);
        const struct Done {
          const void* x;
          ~Done() { happens_before(x); }
        } read_done{&owned};
        if (failed.load(std::memory_order_relaxed)) {
          fc.stop();
          return nullptr;
        }
        Token* t = nullptr;
        if (pool.try_pop(t)) {
          happens_after(t);
        } else {
          owned.push_back(std::make_unique<Token>());
          t = owned.back().get();
        }
        Expected<bool> more = read(t->block);
        if (!more.has_value() || !*more) {
          if (!more.has_value()) read_error = more.status();
          pool.push(t);
          happens_before(&pool);
          fc.stop();
          return nullptr;
        }
        t->status = Status::ok();
        happens_before(t);
        return t;
      }) & tbb::make_filter<Token*, Token*>(tbb::filter_mode::parallel, [&](Token* t) -> Token* {
        happens_after(&failed);
        happens_after(t);
        if (!failed.load(std::memory_order_relaxed)) t->status = process(t->block);
        happens_before(t);
        return t;
      }) & tbb::make_filter<Token*, void>(tbb::filter_mode::serial_in_order, [&](Token* t) {
        happens_after(&failed);
        happens_after(&error);
        happens_after(t);
        if (!failed.load(std::memory_order_relaxed)) {
          Status s = t->status.is_ok() ? write(t->block) : t->status;
          if (!s.is_ok()) {
            error = std::move(s);
            failed.store(true, std::memory_order_relaxed);
          }
        }
        happens_before(t);
        happens_before(&error);
        pool.push(t);
        happens_before(&pool);
      }));
  happens_after(&owned);
  // The queue's pages are allocated by the thread that first pushes into them (in oneTBB's
  // uninstrumented allocator); the caller destroys them.
  happens_after(&pool);
  happens_after(&error);
  for (const auto& t : owned) happens_after(t.get());
  if (!error.is_ok()) return error;
  return read_error;
}

}  // namespace bitmill
