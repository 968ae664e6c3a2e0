// External merge sort of trivially copyable records in bounded memory.
//
// push() records; whenever `memory_bytes` worth is buffered they are sorted (in parallel) and
// written as a run to an anonymous TempFile. finish() sorts the rest; then next() yields all
// records in ascending order, merging the runs with one read buffer each (together about half of
// memory_bytes). With fewer records than fit in memory nothing touches the disk.
//
// `Less` must be a strict total order on the records that occur (ties would make the order of
// equal records depend on run boundaries).
//
// Thread safety: one thread drives a sorter; the sort itself uses the TBB arena of the caller.
#pragma once

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <type_traits>
#include <vector>

#include "bitmill/util/parallel.h"

#include "bitmill/base/status.h"
#include "bitmill/util/temp_file.h"

namespace bitmill {

template <typename T, typename Less = std::less<T>>
class ExternalSorter {
  static_assert(std::is_trivially_copyable_v<T>);

 public:
  ExternalSorter(std::string tmp_dir, size_t memory_bytes)
      : tmp_dir_(std::move(tmp_dir)), memory_(std::max<size_t>(memory_bytes, 64 * sizeof(T))) {}

  Status push(const T& v) {
    if (buf_.capacity() == 0) buf_.reserve(capacity());
    buf_.push_back(v);
    if (buf_.size() >= capacity()) return spill();
    return Status::ok();
  }

  // Adds a run that the caller produced already in order (e.g. a hash table's keys, sorted in
  // place), without holding it in this sorter's buffer. `gen` returns false when done.
  Status add_sorted_run(const std::function<bool(T&)>& gen) {
    BITMILL_ASSIGN_OR_RETURN(TempFile f, TempFile::create(tmp_dir_));
    std::vector<T> chunk;
    chunk.reserve(kWriteChunk);
    T v{};
    bool more = true;
    while (more) {
      more = gen(v);
      if (more) chunk.push_back(v);
      if (chunk.size() == kWriteChunk || (!more && !chunk.empty())) {
        BITMILL_RETURN_IF_ERROR(f.append(chunk.data(), chunk.size() * sizeof(T)));
        count_ += chunk.size();
        chunk.clear();
      }
    }
    runs_.emplace_back(std::move(f));
    return Status::ok();
  }

  Status finish() {
    if (runs_.empty()) {
      sort_parallel(buf_.begin(), buf_.end(), Less());
      count_ += buf_.size();
      in_memory_ = true;
      mem_pos_ = 0;
      return Status::ok();
    }
    if (!buf_.empty()) BITMILL_RETURN_IF_ERROR(spill());
    std::vector<T>().swap(buf_);
    const size_t per_run = std::clamp<size_t>(memory_ / 2 / runs_.size() / sizeof(T), 4096, (4u << 20) / sizeof(T));
    for (size_t r = 0; r < runs_.size(); ++r) {
      runs_[r].buf.resize(per_run);
      BITMILL_ASSIGN_OR_RETURN(bool has, refill(runs_[r]));
      if (has) heap_.push(HeapItem{runs_[r].buf[0], r});
    }
    return Status::ok();
  }

  // The next record in order; false when all were returned. Only after finish().
  Expected<bool> next(T& out) {
    if (in_memory_) {
      if (mem_pos_ >= buf_.size()) return false;
      out = buf_[mem_pos_++];
      return true;
    }
    if (heap_.empty()) return false;
    const HeapItem top = heap_.top();
    heap_.pop();
    out = top.value;
    Run& run = runs_[top.run];
    if (++run.pos >= run.len) {
      BITMILL_ASSIGN_OR_RETURN(bool has, refill(run));
      if (!has) return true;
    }
    heap_.push(HeapItem{run.buf[run.pos], top.run});
    return true;
  }

  size_t runs() const { return runs_.size(); }
  uint64_t count() const { return count_; }
  size_t capacity() const { return memory_ / sizeof(T); }

 private:
  static constexpr size_t kWriteChunk = 1 << 16;

  struct Run {
    explicit Run(TempFile f) : file(std::move(f)) {}
    TempFile file;
    std::vector<T> buf;
    size_t pos = 0, len = 0;
    uint64_t offset = 0;
  };
  struct HeapItem {
    T value;
    size_t run;
  };
  struct HeapGreater {
    bool operator()(const HeapItem& a, const HeapItem& b) const { return Less()(b.value, a.value); }
  };

  Status spill() {
    sort_parallel(buf_.begin(), buf_.end(), Less());
    BITMILL_ASSIGN_OR_RETURN(TempFile f, TempFile::create(tmp_dir_));
    BITMILL_RETURN_IF_ERROR(f.append(buf_.data(), buf_.size() * sizeof(T)));
    count_ += buf_.size();
    buf_.clear();
    runs_.emplace_back(std::move(f));
    return Status::ok();
  }

  Expected<bool> refill(Run& run) {
    BITMILL_ASSIGN_OR_RETURN(size_t got, run.file.read_at(run.buf.data(), run.buf.size() * sizeof(T), run.offset));
    if (got % sizeof(T) != 0) return io_error("spill file: short read");
    run.offset += got;
    run.len = got / sizeof(T);
    run.pos = 0;
    if (run.len == 0) std::vector<T>().swap(run.buf);
    return run.len > 0;
  }

  std::string tmp_dir_;
  size_t memory_;
  std::vector<T> buf_;
  std::vector<Run> runs_;
  std::priority_queue<HeapItem, std::vector<HeapItem>, HeapGreater> heap_;
  bool in_memory_ = false;
  size_t mem_pos_ = 0;
  uint64_t count_ = 0;
};

}  // namespace bitmill
