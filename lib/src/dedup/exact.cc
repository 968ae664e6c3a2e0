#include "bitmill/dedup/exact.h"

#include <unistd.h>

#include <algorithm>

#include "bitmill/util/external_sort.h"
#include "bitmill/util/hash.h"
#include "bitmill/util/ordered_pipeline.h"
#include "dedup/flat_hash_set.h"

namespace bitmill::dedup {
namespace {

template <typename H>
struct Work {
  LineBlock block;
  std::vector<H> hashes;
  uint64_t raw_bytes = 0;  // input bytes consumed when the block was read
};

// A spill record: the key hash and the line's ordinal. Ordinals are unique, so the order is total.
template <typename H>
struct Record {
  H hash;
  uint64_t ordinal;
  friend bool operator<(const Record& a, const Record& b) {
    if (a.hash == b.hash) return a.ordinal < b.ordinal;
    return a.hash < b.hash;
  }
};

template <typename H>
class Engine {
 public:
  Engine(InputSet& inputs, OutputStream& kept, OutputStream* removed, const ExactOptions& opts, Progress* progress)
      : inputs_(inputs),
        kept_(kept),
        removed_(removed),
        opts_(opts),
        progress_(progress),
        keys_(opts.key, opts.normalize),
        set_(initial_slots(opts.memory_bytes)) {}

  Expected<ExactStats> run() {
    BITMILL_RETURN_IF_ERROR(run_ordered_pipeline<Work<H>>(
        std::max<size_t>(2, opts_.threads * 2), [&](Work<H>& w) { return read_block(w); },
        [&](Work<H>& w) { return hash_block(w); }, [&](Work<H>& w) { return decide(w); }));
    if (spill_) BITMILL_RETURN_IF_ERROR(finish_spill());
    return stats_;
  }

  // A table that starts small enough for tiny budgets (tests force the spill path with a few KiB).
  static size_t initial_slots(uint64_t memory) {
    size_t slots = 16;
    while (slots < (size_t{1} << 16) && slots * 2 * sizeof(H) * 4 <= memory) slots *= 2;
    return slots;
  }

  struct Spill {
    explicit Spill(const ExactOptions& o)
        : records(o.tmp_dir, o.memory_bytes), removed(o.tmp_dir, o.memory_bytes / 2) {}
    ExternalSorter<Record<H>> records;
    ExternalSorter<uint64_t> removed;  // ordinals of removed spooled lines
    TempFile spool;                    // the spooled lines, as read
    std::string spool_buf;
    uint64_t first_ordinal = 0;  // ordinal of the first spooled line
    uint64_t lines = 0;
  };

  Expected<bool> read_block(Work<H>& w) {
    BITMILL_ASSIGN_OR_RETURN(bool more, inputs_.next_block(w.block));
    w.raw_bytes = inputs_.raw_bytes_read();
    return more;
  }

  Status hash_block(Work<H>& w) {
    const LineBlock& b = w.block;
    w.hashes.resize(b.size());
    std::string buf;
    std::string_view key;
    for (size_t i = 0; i < b.size(); ++i) {
      if (!keys_.extract(b.line(i), buf, key)) {
        return data_error(inputs_.names()[b.input] + ":" + std::to_string(b.numbers[i]) + ": --key " +
                          (opts_.key == KeyField::kTgt ? "tgt" : "pair") +
                          " needs a second tab-separated column, and this line has no tab");
      }
      w.hashes[i] = FlatHashSet<H>::sanitize(hash_as<H>(key));
    }
    return Status::ok();
  }

  Status write_span(OutputStream* out, const LineBlock& b, size_t from, size_t to) {
    if (out == nullptr || from == to) return Status::ok();
    return out->write(b.span(from, to));
  }

  Status decide(Work<H>& w) {
    const LineBlock& b = w.block;
    const size_t n = b.size();
    stats_.lines += n;
    stats_.bytes += b.data.size();
    if (spill_) {
      BITMILL_RETURN_IF_ERROR(spill_lines(w, 0));
    } else {
      // Runs of consecutive kept (or removed) lines are written with one call.
      size_t run_start = 0;
      bool run_kept = true;
      constexpr size_t kAhead = 16;
      for (size_t i = 0; i < n; ++i) {
        if (i + kAhead < n) set_.prefetch(w.hashes[i + kAhead]);
        if (set_.full()) {
          const size_t next = set_.bytes() * 3;  // old + doubled table during the rehash
          if (next > opts_.memory_bytes) {
            BITMILL_RETURN_IF_ERROR(write_span(run_kept ? &kept_ : removed_, b, run_start, i));
            BITMILL_RETURN_IF_ERROR(start_spill(b.first_ordinal + i));
            BITMILL_RETURN_IF_ERROR(spill_lines(w, i));
            report(w);
            return Status::ok();
          }
          set_.grow();
        }
        const bool is_new = set_.insert(w.hashes[i]);
        if (is_new)
          ++stats_.kept;
        else
          ++stats_.removed;
        if (is_new != run_kept) {
          BITMILL_RETURN_IF_ERROR(write_span(run_kept ? &kept_ : removed_, b, run_start, i));
          run_start = i;
          run_kept = is_new;
        }
      }
      BITMILL_RETURN_IF_ERROR(write_span(run_kept ? &kept_ : removed_, b, run_start, n));
    }
    report(w);
    return Status::ok();
  }

  void report(const Work<H>& w) {
    if (progress_ != nullptr) progress_->update(stats_.lines, w.raw_bytes);
  }

  Status start_spill(uint64_t ordinal) {
    spill_ = std::make_unique<Spill>(opts_);
    spill_->first_ordinal = ordinal;
    BITMILL_ASSIGN_OR_RETURN(spill_->spool, TempFile::create(opts_.tmp_dir));
    // Keys seen so far become one sorted run with ordinal 0: below every spooled ordinal, so each
    // later occurrence of them is a duplicate.
    std::vector<H> seen = std::move(set_).take_sorted();
    set_ = FlatHashSet<H>(16);
    size_t pos = 0;
    if (!seen.empty()) {
      BITMILL_RETURN_IF_ERROR(spill_->records.add_sorted_run([&](Record<H>& r) {
        if (pos == seen.size()) return false;
        r = Record<H>{seen[pos++], 0};
        return true;
      }));
    }
    stats_.spilled = true;
    return Status::ok();
  }

  Status spill_lines(const Work<H>& w, size_t from) {
    const LineBlock& b = w.block;
    for (size_t i = from; i < b.size(); ++i) {
      BITMILL_RETURN_IF_ERROR(spill_->records.push(Record<H>{w.hashes[i], b.first_ordinal + i}));
    }
    spill_->lines += b.size() - from;
    const std::string_view bytes = b.span(from, b.size());
    spill_->spool_buf.append(bytes);
    if (spill_->spool_buf.size() >= (4u << 20)) {
      BITMILL_RETURN_IF_ERROR(spill_->spool.append(spill_->spool_buf.data(), spill_->spool_buf.size()));
      spill_->spool_buf.clear();
    }
    return Status::ok();
  }

  Status finish_spill() {
    Spill& s = *spill_;
    BITMILL_RETURN_IF_ERROR(s.spool.append(s.spool_buf.data(), s.spool_buf.size()));
    std::string().swap(s.spool_buf);
    BITMILL_RETURN_IF_ERROR(s.records.finish());
    stats_.spill_runs = s.records.runs();
    stats_.spilled_lines = s.lines;

    // The first record of each hash group is its first occurrence; the rest are duplicates.
    Record<H> r{};
    bool have_prev = false;
    H prev{};
    for (;;) {
      BITMILL_ASSIGN_OR_RETURN(bool more, s.records.next(r));
      if (!more) break;
      const bool first = !have_prev || !(r.hash == prev);
      have_prev = true;
      prev = r.hash;
      if (!first) BITMILL_RETURN_IF_ERROR(s.removed.push(r.ordinal));
    }
    BITMILL_RETURN_IF_ERROR(s.removed.finish());

    // Replay the spooled lines in order.
    if (::lseek(s.spool.fd(), 0, SEEK_SET) != 0) return io_error("spill file: seek failed");
    LineReader reader(input_from_fd(s.spool.fd(), "spill file"), InvalidUtf8Policy::kReplace);
    uint64_t next_removed = 0;
    BITMILL_ASSIGN_OR_RETURN(bool has_removed, s.removed.next(next_removed));
    uint64_t ordinal = s.first_ordinal;
    Line line;
    for (;;) {
      BITMILL_ASSIGN_OR_RETURN(bool more, reader.next(line));
      if (!more) break;
      const bool is_removed = has_removed && next_removed == ordinal;
      if (is_removed) {
        ++stats_.removed;
        if (removed_ != nullptr) BITMILL_RETURN_IF_ERROR(removed_->write_line(line.text));
        BITMILL_ASSIGN_OR_RETURN(has_removed, s.removed.next(next_removed));
      } else {
        ++stats_.kept;
        BITMILL_RETURN_IF_ERROR(kept_.write_line(line.text));
      }
      ++ordinal;
    }
    if (ordinal != s.first_ordinal + s.lines) return internal_error("spill file: line count mismatch");
    return Status::ok();
  }

  InputSet& inputs_;
  OutputStream& kept_;
  OutputStream* removed_;
  const ExactOptions& opts_;
  Progress* progress_;
  KeyExtractor keys_;
  FlatHashSet<H> set_;
  std::unique_ptr<Spill> spill_;
  ExactStats stats_;
};

}  // namespace

Expected<ExactStats> run_exact(InputSet& inputs, OutputStream& kept, OutputStream* removed, const ExactOptions& opts,
                               Progress* progress) {
  if (opts.hash_bits == HashBits::k128) return Engine<Hash128>(inputs, kept, removed, opts, progress).run();
  return Engine<uint64_t>(inputs, kept, removed, opts, progress).run();
}

}  // namespace bitmill::dedup
