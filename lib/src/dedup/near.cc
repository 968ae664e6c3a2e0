#include "bitmill/dedup/near.h"

#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <list>
#include <optional>

#include "bitmill/text/json_string.h"
#include "bitmill/util/external_sort.h"
#include "bitmill/util/ordered_pipeline.h"
#include "bitmill/util/temp_file.h"
#include "dedup/minhash.h"
#include "dedup/near_index.h"
#include "dedup/near_link.h"
#include "dedup/near_record.h"
#include "dedup/shingles.h"
#include "dedup/union_find.h"

namespace bitmill::dedup {
namespace {

using detail::MinHasher;
using detail::RecordReader;
using detail::ShingleOptions;
using detail::Shingler;
using detail::ShingleScratch;
using detail::ShingleUnit;
using detail::UnionFind;

using detail::Bucket;
using detail::BucketLess;

// What the join and the output pass need of each record.
struct RecordInfo {
  uint64_t spool_offset;
  uint64_t line_number;
  uint32_t line_bytes;  // without the newline
  uint32_t input;
  uint32_t text_bytes;  // for keep_longest
};

struct Scratch {
  explicit Scratch(const NearOptions& o) : reader(o) {}
  RecordReader reader;
  ShingleScratch shingles;
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> sig;
};

struct Work {
  LineBlock block;
  std::vector<uint64_t> keys;  // bands per record
  std::vector<uint8_t> bucketed;
  std::vector<uint32_t> text_bytes;
  uint64_t raw_bytes = 0;
};

constexpr size_t kShingleCache = 32;

class Engine {
 public:
  Engine(InputSet& inputs, OutputStream& kept, OutputStream* removed, OutputStream* clusters, const NearOptions& o,
         Progress* progress)
      : inputs_(inputs),
        kept_(kept),
        removed_(removed),
        clusters_(clusters),
        opts_(o),
        progress_(progress),
        shingler_(ShingleOptions{o.ngram, o.char_units ? ShingleUnit::kChar : ShingleUnit::kWord, o.seed}),
        hasher_(o.bands * o.rows, o.seed),
        scratch_([&] { return Scratch(o); }),
        buckets_(o.tmp_dir, o.memory_bytes / 2),
        reader_(o) {}

  Expected<NearStats> run() {
    BITMILL_ASSIGN_OR_RETURN(spool_, TempFile::create(opts_.tmp_dir));
    if (!opts_.index_dir.empty()) BITMILL_RETURN_IF_ERROR(open_index());
    BITMILL_RETURN_IF_ERROR(run_ordered_pipeline<Work>(
        std::max<size_t>(2, opts_.threads * 2), [&](Work& w) { return read_block(w); },
        [&](Work& w) { return sign_block(w); }, [&](Work& w) { return store_block(w); }));
    BITMILL_RETURN_IF_ERROR(join());
    BITMILL_RETURN_IF_ERROR(write_outputs());
    if (segment_ != nullptr) BITMILL_RETURN_IF_ERROR(write_segment());
    return std::move(stats_);
  }

 private:
  std::string where(uint32_t input, uint64_t line) const { return fmt::format("{}:{}", inputs_.names()[input], line); }

  Expected<bool> read_block(Work& w) {
    BITMILL_ASSIGN_OR_RETURN(bool more, inputs_.next_block(w.block));
    w.raw_bytes = inputs_.raw_bytes_read();
    return more;
  }

  Status sign_block(Work& w) {
    const LineBlock& b = w.block;
    const size_t n = b.size(), k = opts_.bands;
    Scratch& s = scratch_.local();
    w.keys.resize(n * k);
    w.bucketed.assign(n, 0);
    w.text_bytes.resize(n);
    s.sig.resize(hasher_.size());
    std::string id;
    const bool check_id = opts_.jsonl && !opts_.id_field.empty();
    for (size_t i = 0; i < n; ++i) {
      std::string_view text;
      // The id is checked here, so that a bad one fails before any output, used or not.
      BITMILL_RETURN_IF_ERROR(s.reader.read(b.line(i), where(b.input, b.numbers[i]), text, check_id ? &id : nullptr));
      w.text_bytes[i] = static_cast<uint32_t>(std::min<size_t>(text.size(), UINT32_MAX));
      shingler_.shingles(text, s.hashes, s.shingles);
      if (s.hashes.empty()) continue;
      w.bucketed[i] = 1;
      hasher_.signature(s.hashes, s.sig.data());
      for (size_t band = 0; band < k; ++band) {
        w.keys[i * k + band] = detail::band_key(s.sig.data(), band, opts_.rows, opts_.seed);
      }
    }
    return Status::ok();
  }

  Status store_block(Work& w) {
    const LineBlock& b = w.block;
    const uint64_t base = spool_.size();
    BITMILL_RETURN_IF_ERROR(spool_.append(b.data.data(), b.data.size()));
    if (segment_ != nullptr) BITMILL_RETURN_IF_ERROR(keys_.append(w.keys.data(), w.keys.size() * 8));
    for (size_t i = 0; i < b.size(); ++i) {
      const uint64_t ordinal = base_ + info_.size();
      if (ordinal >= (uint64_t{1} << 56)) return invalid_argument("more than 2^56 records in one run");
      const uint64_t begin = b.begin_of(i);
      info_.push_back(RecordInfo{base + begin, b.numbers[i], static_cast<uint32_t>(b.ends[i] - begin - 1), b.input,
                                 w.text_bytes[i]});
      if (!w.bucketed[i]) {
        ++stats_.without_shingles;
        continue;
      }
      for (size_t band = 0; band < opts_.bands; ++band) {
        BITMILL_RETURN_IF_ERROR(buckets_.push(Bucket{w.keys[i * opts_.bands + band], uint64_t{band} << 56 | ordinal}));
      }
    }
    stats_.records += b.size();
    stats_.bytes += b.data.size();
    if (progress_ != nullptr) progress_->update(stats_.records, w.raw_bytes);
    return Status::ok();
  }

  // The line of record `ordinal`, read from the spool.
  Status line_of(uint64_t ordinal, std::string& out) {
    const RecordInfo& r = info_[ordinal - base_];
    out.resize(r.line_bytes);
    BITMILL_ASSIGN_OR_RETURN(size_t got, spool_.read_at(out.data(), out.size(), r.spool_offset));
    if (got != out.size()) return io_error("the spool file came back short");
    return Status::ok();
  }

  // The shingle set (detail::make_set32) of record `ordinal`, cached for the last kShingleCache
  // records asked; the entry of `pinned` is never the one evicted (a list keeps the other
  // entries' addresses).
  Expected<const std::vector<uint32_t>*> shingles_of(uint64_t ordinal, uint64_t pinned) {
    for (auto& [o, v] : cache_) {
      if (o == ordinal) return &v;
    }
    if (cache_.size() == kShingleCache)
      cache_.erase(cache_.front().first != pinned ? cache_.begin() : std::next(cache_.begin()));
    cache_.emplace_back(ordinal, std::vector<uint32_t>());
    if (ordinal < base_) {
      size_t n = 0;
      const uint32_t* set = index_->shingles(ordinal, n);
      cache_.back().second.assign(set, set + n);
      return &cache_.back().second;
    }
    BITMILL_RETURN_IF_ERROR(line_of(ordinal, line_buf_));
    std::string_view text;
    const RecordInfo& r = info_[ordinal - base_];
    BITMILL_RETURN_IF_ERROR(reader_.read(line_buf_, where(r.input, r.line_number), text));
    shingler_.shingles(text, hashes_, cache_scratch_);
    detail::make_set32(hashes_, cache_.back().second);
    return &cache_.back().second;
  }

  Expected<bool> similar(uint64_t a, uint64_t b) {
    BITMILL_ASSIGN_OR_RETURN(const std::vector<uint32_t>* sa, shingles_of(a, b));
    BITMILL_ASSIGN_OR_RETURN(const std::vector<uint32_t>* sb, shingles_of(b, a));
    return detail::exact_jaccard_sets(sa->data(), sa->size(), sb->data(), sb->size()) >= opts_.verify;
  }

  // Links the records of one bucket (ordinals ascending), by the rule of near_link.h.
  Status link_bucket(const std::vector<uint64_t>& g, UnionFind& uf) {
    return detail::link_bucket(
        g, opts_.verify, memo_, [&](uint64_t a, uint64_t b) { return similar(a, b); },
        [&](uint64_t a, uint64_t b) {
          if (uf.unite(a, b) && opts_.verify <= 0) ++stats_.candidate_pairs;
        },
        link_counts_);
  }

  Status join() {
    BITMILL_RETURN_IF_ERROR(buckets_.finish());
    stats_.bucket_records = buckets_.count();
    stats_.spilled = buckets_.runs() > 0;
    uf_ = std::make_unique<UnionFind>(base_ + info_.size());
    std::vector<uint64_t> group;
    Bucket cur{}, next{};
    bool have = false;
    for (;;) {
      BITMILL_ASSIGN_OR_RETURN(bool more, buckets_.next(next));
      if (have && (!more || next.key != cur.key || next.band() != cur.band())) {
        if (group.size() > 1) BITMILL_RETURN_IF_ERROR(link_bucket(group, *uf_));
        group.clear();
      }
      if (!more) break;
      group.push_back(next.ordinal());
      cur = next;
      have = true;
    }
    if (opts_.verify > 0) {
      stats_.candidate_pairs = link_counts_.compared;
      stats_.dropped_pairs = link_counts_.dropped;
    }
    stats_.state_bytes_per_record =
        static_cast<double>(sizeof(RecordInfo) + UnionFind::kBytesPerRecord + sizeof(uint32_t) * 2) +
        static_cast<double>(std::min<uint64_t>(opts_.memory_bytes / 2, stats_.bucket_records * sizeof(Bucket))) /
            static_cast<double>(std::max<uint64_t>(1, info_.size()));
    return Status::ok();
  }

  // A record's id: the --id-field value, or INPUT:LINE.
  Expected<std::string> id_of(uint64_t ordinal) {
    if (ordinal < base_) return std::string(index_->id(ordinal));
    const RecordInfo& r = info_[ordinal - base_];
    if (opts_.id_field.empty() || !opts_.jsonl) return where(r.input, r.line_number);
    BITMILL_RETURN_IF_ERROR(line_of(ordinal, id_line_));
    std::string_view text;
    std::string id;
    BITMILL_RETURN_IF_ERROR(reader_.read(id_line_, where(r.input, r.line_number), text, &id));
    return id;
  }

  // The kept record of each cluster root: a record of the index when the cluster has one (its
  // root then, the least), else the first, or with keep_longest the longest (the first of equals).
  void choose_kept(std::vector<uint32_t>& size, std::vector<uint64_t>& rep) {
    UnionFind& uf = *uf_;
    for (uint64_t i = 0; i < size.size(); ++i) {
      const uint64_t root = uf.find(i);
      if (size[root]++ == 0) rep[root] = i;
      if (opts_.keep_longest && root >= base_ && info_[i - base_].text_bytes > info_[rep[root] - base_].text_bytes) {
        rep[root] = i;
      }
    }
    for (uint64_t i = 0; i < size.size(); ++i) {
      if (size[i] >= 2 && uf.find(i) == i) {
        ++stats_.clusters;
        stats_.clustered += size[i];
      }
    }
  }

  Status write_outputs() {
    const uint64_t n = base_ + info_.size();
    UnionFind& uf = *uf_;
    std::vector<uint32_t> size(n, 0);
    std::vector<uint64_t> rep(n);  // per root: the kept record
    choose_kept(size, rep);
    std::string kept_buf, removed_buf, clusters_buf, line;
    // The kept record's id, asked for by every other record of its cluster, in a row when the
    // cluster's records are (a repost flood): read once per run of the same kept record.
    uint64_t id_for = UINT64_MAX;
    std::string keep_id;
    auto kept_id = [&](uint64_t keep) -> Status {
      if (keep == id_for) return Status::ok();
      BITMILL_ASSIGN_OR_RETURN(keep_id, id_of(keep));
      id_for = keep;
      return Status::ok();
    };
    for (uint64_t i = base_; i < n; ++i) {
      const uint64_t root = uf.find(i);
      BITMILL_RETURN_IF_ERROR(line_of(i, line));
      const uint64_t keep = rep[root];
      if (keep == i) {
        ++stats_.kept;
        kept_buf += line;
        kept_buf.push_back('\n');
        if (segment_ != nullptr) kept_records_.push_back(i);
      } else {
        ++stats_.removed;
        stats_.index_matched += keep < base_;
        if (removed_ != nullptr) {
          BITMILL_RETURN_IF_ERROR(kept_id(keep));
          detail::append_removed(line, keep_id, opts_.jsonl, removed_buf);
        }
      }
      if (clusters_ != nullptr && size[root] >= 2) {
        BITMILL_ASSIGN_OR_RETURN(std::string id, id_of(i));
        BITMILL_RETURN_IF_ERROR(kept_id(keep));
        clusters_buf += fmt::format("{}\t{}\t{}\n", id, keep_id, size[root]);
      }
      if (kept_buf.size() + removed_buf.size() + clusters_buf.size() > (1u << 20))
        BITMILL_RETURN_IF_ERROR(flush(kept_buf, removed_buf, clusters_buf));
    }
    return flush(kept_buf, removed_buf, clusters_buf);
  }

  // --index: the earlier runs' records come first, their bucket records with them.
  Status open_index() {
    BITMILL_ASSIGN_OR_RETURN(index_, detail::NearIndex::open(opts_.index_dir, index_options(), index_run()));
    base_ = index_->records();
    stats_.index_records = base_;
    stats_.index_segments = index_->segments();
    stats_.index_segment_path = index_->new_segment_path();
    for (uint64_t o = 0; o < base_; ++o) {
      size_t seg = 0;
      uint64_t r = 0;
      if (!index_->bucketed(o, seg, r)) continue;
      for (size_t band = 0; band < opts_.bands; ++band) {
        BITMILL_RETURN_IF_ERROR(buckets_.push(Bucket{index_->key(seg, r, band), uint64_t{band} << 56 | o}));
      }
    }
    BITMILL_ASSIGN_OR_RETURN(keys_, TempFile::create(opts_.tmp_dir));
    BITMILL_ASSIGN_OR_RETURN(segment_, detail::SegmentBuilder::create(opts_.tmp_dir, opts_.bands, opts_.verify > 0));
    return Status::ok();
  }
  uint64_t index_options() const { return detail::options_fingerprint(opts_, InputSetOptions{}); }
  uint64_t index_run() const { return detail::run_fingerprint(inputs_.names()); }

  // The segment of the records this run kept: band keys from keys_, sets and ids recomputed.
  Status write_segment() {
    const size_t k = opts_.bands;
    std::vector<uint64_t> keys(k);
    std::vector<uint32_t> set;
    for (uint64_t i : kept_records_) {
      const RecordInfo& r = info_[i - base_];
      BITMILL_ASSIGN_OR_RETURN(size_t got, keys_.read_at(keys.data(), k * 8, (i - base_) * k * 8));
      if (got != k * 8) return io_error("the key spool came back short");
      BITMILL_ASSIGN_OR_RETURN(std::string id, id_of(i));
      bool bucketed = false;
      set.clear();
      BITMILL_RETURN_IF_ERROR(line_of(i, line_buf_));
      std::string_view text;
      BITMILL_RETURN_IF_ERROR(reader_.read(line_buf_, where(r.input, r.line_number), text));
      shingler_.shingles(text, hashes_, cache_scratch_);
      bucketed = !hashes_.empty();
      if (opts_.verify > 0) detail::make_set32(hashes_, set);
      BITMILL_RETURN_IF_ERROR(segment_->add(keys.data(), bucketed, set, id, r.text_bytes));
    }
    BITMILL_ASSIGN_OR_RETURN(std::shared_ptr<detail::WorkFileWriter> w,
                             segment_->write(index_->new_segment_path(), index_options(), index_run()));
    struct Pending : NearIndexSegment {
      explicit Pending(std::shared_ptr<detail::WorkFileWriter> f) : file(std::move(f)) {}
      Status commit() override { return file->commit(); }
      std::shared_ptr<detail::WorkFileWriter> file;
    };
    stats_.segment = std::make_shared<Pending>(std::move(w));
    return Status::ok();
  }

  Status flush(std::string& kept, std::string& removed, std::string& clusters) {
    BITMILL_RETURN_IF_ERROR(kept_.write(kept));
    if (removed_ != nullptr) BITMILL_RETURN_IF_ERROR(removed_->write(removed));
    if (clusters_ != nullptr) BITMILL_RETURN_IF_ERROR(clusters_->write(clusters));
    kept.clear();
    removed.clear();
    clusters.clear();
    return Status::ok();
  }

  InputSet& inputs_;
  OutputStream& kept_;
  OutputStream* removed_;
  OutputStream* clusters_;
  const NearOptions& opts_;
  Progress* progress_;
  Shingler shingler_;
  MinHasher hasher_;
  tbb::enumerable_thread_specific<Scratch> scratch_;
  ExternalSorter<Bucket, BucketLess> buckets_;
  TempFile spool_;
  std::vector<RecordInfo> info_;
  std::unique_ptr<UnionFind> uf_;
  NearStats stats_;
  // The join's and output pass's reading of records (one thread).
  RecordReader reader_;
  ShingleScratch cache_scratch_;
  std::list<std::pair<uint64_t, std::vector<uint32_t>>> cache_;
  // --index
  std::optional<detail::NearIndex> index_;
  uint64_t base_ = 0;  // records of the index, ordinals 0..base_-1
  TempFile keys_;      // the input records' band keys, bands per record
  std::unique_ptr<detail::SegmentBuilder> segment_;
  std::vector<uint64_t> kept_records_;
  std::vector<uint64_t> hashes_;
  detail::PairMemo memo_{opts_.memory_bytes / 8};
  detail::LinkCounts link_counts_;
  std::string line_buf_, id_line_;
};

}  // namespace

double candidate_probability(double j, size_t bands, size_t rows) { return detail::s_curve(j, bands, rows); }

Status choose_banding_for(double threshold, size_t values, NearOptions& o) {
  if (!(threshold > 0 && threshold < 1)) {
    return invalid_argument(fmt::format("--threshold must be between 0 and 1, not {}", threshold));
  }
  const detail::Banding b = detail::choose_banding(threshold, values);
  o.bands = b.bands;
  o.rows = b.rows;
  return Status::ok();
}

Status check_near_options(const NearOptions& o) {
  if (o.ngram < 1 || o.ngram > 64) return invalid_argument(fmt::format("--ngram must be 1 to 64, not {}", o.ngram));
  if (o.bands < 1 || o.bands > 255) return invalid_argument(fmt::format("--bands must be 1 to 255, not {}", o.bands));
  if (o.rows < 1 || o.bands * o.rows > 1024) {
    return invalid_argument(fmt::format("--bands x --rows must be 1 to 1024, not {} x {}", o.bands, o.rows));
  }
  if (!(o.verify >= 0 && o.verify <= 1))
    return invalid_argument(fmt::format("--verify must be 0 to 1, not {}", o.verify));
  if (o.jsonl && o.text_field.empty()) return invalid_argument("--text-field must name a field");
  return Status::ok();
}

Expected<NearStats> run_near(InputSet& inputs, OutputStream& kept, OutputStream* removed, OutputStream* clusters,
                             const NearOptions& opts, Progress* progress) {
  BITMILL_RETURN_IF_ERROR(check_near_options(opts));
  Engine e(inputs, kept, removed, clusters, opts, progress);
  return e.run();
}

}  // namespace bitmill::dedup
