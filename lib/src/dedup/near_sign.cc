// Phase 1 of sharded near dedup (near_work.h): the sign file of one input shard.
#include <fmt/format.h>
#include <tbb/enumerable_thread_specific.h>

#include "bitmill/dedup/near_work.h"
#include "bitmill/util/ordered_pipeline.h"
#include "bitmill/util/temp_file.h"
#include "dedup/minhash.h"
#include "dedup/near_record.h"
#include "dedup/near_sign_file.h"
#include "dedup/shingles.h"

namespace bitmill::dedup {
namespace {

using detail::SignFile;

struct Scratch {
  explicit Scratch(const NearOptions& o) : reader(o) {}
  detail::RecordReader reader;
  detail::ShingleScratch shingles;
  std::vector<uint64_t> hashes;
  std::vector<uint32_t> sig, set;
  std::string id;
};

struct Work {
  LineBlock block;
  std::vector<uint64_t> keys;  // bands per record
  std::vector<uint8_t> bucketed;
  std::vector<uint32_t> text_bytes;
  std::vector<uint32_t> sets;      // the records' shingle sets, one after another (verify)
  std::vector<uint64_t> set_ends;  // per record, in `sets`
  std::string ids;                 // the records' ids, one after another (id field)
  std::vector<uint64_t> id_ends;   // per record, in `ids`
  uint64_t raw_bytes = 0;
};

class Signer {
 public:
  // `inputs` null: an empty shard of `files` (0) files.
  Signer(InputSet* inputs, size_t files, const NearOptions& o, Progress* progress)
      : inputs_(inputs),
        files_(files),
        opts_(o),
        progress_(progress),
        shingler_(detail::ShingleOptions{
            o.ngram, o.char_units ? detail::ShingleUnit::kChar : detail::ShingleUnit::kWord, o.seed}),
        hasher_(o.bands * o.rows, o.seed),
        scratch_([&] { return Scratch(o); }) {}

  Status run(const std::string& tmp_dir) {
    BITMILL_ASSIGN_OR_RETURN(keys_, TempFile::create(tmp_dir));
    BITMILL_ASSIGN_OR_RETURN(sets_, TempFile::create(tmp_dir));
    BITMILL_ASSIGN_OR_RETURN(ids_, TempFile::create(tmp_dir));
    file_records_.assign(files_, 0);
    if (inputs_ == nullptr) return Status::ok();
    return run_ordered_pipeline<Work>(
        std::max<size_t>(2, opts_.threads * 2), [&](Work& w) { return read_block(w); },
        [&](Work& w) { return sign_block(w); }, [&](Work& w) { return store_block(w); });
  }

  Status write(detail::WorkFileWriter& out) const {
    using namespace detail;
    BITMILL_RETURN_IF_ERROR(out.begin_section(kFileRecords));
    BITMILL_RETURN_IF_ERROR(out.write(file_records_.data(), file_records_.size() * 8));
    BITMILL_RETURN_IF_ERROR(out.begin_section(kLines));
    BITMILL_RETURN_IF_ERROR(out.write(lines_.data(), lines_.size() * 8));
    BITMILL_RETURN_IF_ERROR(out.begin_section(kTextBytes));
    BITMILL_RETURN_IF_ERROR(out.write(text_bytes_.data(), text_bytes_.size() * 4));
    BITMILL_RETURN_IF_ERROR(out.begin_section(kBucketed));
    BITMILL_RETURN_IF_ERROR(out.write(bucketed_.data(), bucketed_.size()));
    BITMILL_RETURN_IF_ERROR(out.begin_section(kKeys));
    BITMILL_RETURN_IF_ERROR(out.copy_from(keys_));
    BITMILL_RETURN_IF_ERROR(out.begin_section(kShingleEnds));
    BITMILL_RETURN_IF_ERROR(out.write(set_ends_.data(), set_ends_.size() * 8));
    BITMILL_RETURN_IF_ERROR(out.begin_section(kShingles));
    BITMILL_RETURN_IF_ERROR(out.copy_from(sets_));
    BITMILL_RETURN_IF_ERROR(out.begin_section(kIds));
    BITMILL_RETURN_IF_ERROR(out.write(id_ends_.data(), id_ends_.size() * 8));
    return out.copy_from(ids_);
  }

  uint64_t records() const { return lines_.size(); }
  uint64_t bytes() const { return bytes_; }
  uint64_t without_shingles() const { return without_shingles_; }

 private:
  std::string where(uint32_t input, uint64_t line) const { return fmt::format("{}:{}", inputs_->names()[input], line); }

  Expected<bool> read_block(Work& w) {
    BITMILL_ASSIGN_OR_RETURN(bool more, inputs_->next_block(w.block));
    w.raw_bytes = inputs_->raw_bytes_read();
    return more;
  }

  // As run_near()'s signing (near.cc), plus the shingle set and the id of each record.
  Status sign_block(Work& w) {
    const LineBlock& b = w.block;
    const size_t n = b.size(), k = opts_.bands;
    const bool verify = opts_.verify > 0, ids = opts_.jsonl && !opts_.id_field.empty();
    Scratch& s = scratch_.local();
    w.keys.assign(n * k, 0);
    w.bucketed.assign(n, 0);
    w.text_bytes.resize(n);
    w.sets.clear();
    w.set_ends.clear();
    w.ids.clear();
    w.id_ends.clear();
    s.sig.resize(hasher_.size());
    for (size_t i = 0; i < n; ++i) {
      std::string_view text;
      BITMILL_RETURN_IF_ERROR(s.reader.read(b.line(i), where(b.input, b.numbers[i]), text, ids ? &s.id : nullptr));
      w.text_bytes[i] = static_cast<uint32_t>(std::min<size_t>(text.size(), UINT32_MAX));
      if (ids) {
        w.ids += s.id;
        w.id_ends.push_back(w.ids.size());
      }
      shingler_.shingles(text, s.hashes, s.shingles);
      if (verify) {
        detail::make_set32(s.hashes, s.set);
        w.sets.insert(w.sets.end(), s.set.begin(), s.set.end());
        w.set_ends.push_back(w.sets.size());
      }
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
    const size_t n = b.size();
    if (lines_.size() + n >= (uint64_t{1} << 56)) return invalid_argument("more than 2^56 records in one run");
    BITMILL_RETURN_IF_ERROR(keys_.append(w.keys.data(), w.keys.size() * 8));
    BITMILL_RETURN_IF_ERROR(sets_.append(w.sets.data(), w.sets.size() * 4));
    BITMILL_RETURN_IF_ERROR(ids_.append(w.ids.data(), w.ids.size()));
    for (size_t i = 0; i < n; ++i) {
      lines_.push_back(b.numbers[i]);
      without_shingles_ += w.bucketed[i] == 0;
      if (!w.set_ends.empty()) set_ends_.push_back(set_base_ + w.set_ends[i]);
      if (!w.id_ends.empty()) id_ends_.push_back(id_base_ + w.id_ends[i]);
    }
    set_base_ += w.sets.size();
    id_base_ += w.ids.size();
    text_bytes_.insert(text_bytes_.end(), w.text_bytes.begin(), w.text_bytes.end());
    bucketed_.insert(bucketed_.end(), w.bucketed.begin(), w.bucketed.end());
    file_records_[b.input] += n;
    bytes_ += b.data.size();
    if (progress_ != nullptr) progress_->update(lines_.size(), w.raw_bytes);
    return Status::ok();
  }

  InputSet* inputs_;
  size_t files_;
  const NearOptions& opts_;
  Progress* progress_;
  detail::Shingler shingler_;
  detail::MinHasher hasher_;
  tbb::enumerable_thread_specific<Scratch> scratch_;
  TempFile keys_, sets_, ids_;
  std::vector<uint64_t> file_records_, lines_, set_ends_, id_ends_;
  std::vector<uint32_t> text_bytes_;
  std::vector<uint8_t> bucketed_;
  uint64_t set_base_ = 0, id_base_ = 0, bytes_ = 0, without_shingles_ = 0;
};

// True when `path` is a complete sign file of this shard, inputs and options.
bool sign_done(const std::string& path, const detail::WorkFields& want) {
  Expected<SignFile> f = SignFile::open(path);
  if (!f.has_value()) return false;
  for (size_t i : {detail::kSignShard, detail::kSignShards, detail::kSignFileBegin, detail::kSignFileEnd,
                   detail::kSignInputs, detail::kSignNamesHash, detail::kSignOptions, detail::kSignBands}) {
    if (f->field(static_cast<detail::SignField>(i)) != want[i]) return false;
  }
  return true;
}

}  // namespace

Expected<NearPhaseStats> near_sign(const std::vector<std::string>& paths, const InputSetOptions& io, const Shard& s,
                                   const std::string& dir, const NearOptions& o, bool force, Progress* progress) {
  using namespace detail;
  BITMILL_RETURN_IF_ERROR(check_near_options(o));
  NearPhaseStats st;
  st.file = near_sign_path(dir, s);
  const auto [begin, end] = near_shard_files(paths.size(), s);
  WorkFields fields{};
  fields[kSignShard] = s.index;
  fields[kSignShards] = s.count;
  fields[kSignFileBegin] = begin;
  fields[kSignFileEnd] = end;
  fields[kSignInputs] = paths.size();
  fields[kSignNamesHash] = inputs_fingerprint(paths);
  fields[kSignOptions] = options_fingerprint(o, io);
  fields[kSignBands] = o.bands;
  fields[kSignFlags] = (o.verify > 0 ? 1 : 0) | (o.jsonl && !o.id_field.empty() ? 2 : 0);
  if (!force && sign_done(st.file, fields)) {
    st.skipped = true;
    return st;
  }
  // An empty shard (more tasks than files) still writes its file: the join waits for all N.
  std::vector<std::string> mine(paths.begin() + static_cast<std::ptrdiff_t>(begin),
                                paths.begin() + static_cast<std::ptrdiff_t>(end));
  std::unique_ptr<InputSet> inputs;
  if (!mine.empty()) {
    InputSetOptions shard_io = io;
    shard_io.shard = Shard{};
    BITMILL_ASSIGN_OR_RETURN(inputs, InputSet::open(mine, shard_io));
  }
  Signer signer(inputs.get(), end - begin, o, progress);
  BITMILL_RETURN_IF_ERROR(signer.run(o.tmp_dir));
  fields[kSignRecords] = signer.records();
  BITMILL_ASSIGN_OR_RETURN(std::unique_ptr<WorkFileWriter> out,
                           WorkFileWriter::open(st.file, std::string_view(kSignMagic, 8), kNearWorkVersion));
  BITMILL_RETURN_IF_ERROR(signer.write(*out));
  BITMILL_RETURN_IF_ERROR(out->commit(fields));
  st.records = signer.records();
  st.bytes = signer.bytes();
  st.without_shingles = signer.without_shingles();
  return st;
}

}  // namespace bitmill::dedup
