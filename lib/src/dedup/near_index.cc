#include "dedup/near_index.h"

#include <dirent.h>
#include <fmt/format.h>
#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <map>

#include "bitmill/util/hash.h"

namespace bitmill::dedup::detail {

uint64_t run_fingerprint(const std::vector<std::string>& names) {
  std::string all;
  for (const std::string& n : names) {
    struct stat st {};
    if (n == "-" || ::stat(n.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return 0;
    all += fmt::format("{}\n{} {} {} {}\n", n, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ino);
  }
  const uint64_t h = hash64(all);
  return h == 0 ? 1 : h;
}

namespace {

// K of "segment.K.bin", or -1.
int64_t segment_number(std::string_view name) {
  constexpr std::string_view kPrefix = "segment.", kSuffix = ".bin";
  if (name.size() <= kPrefix.size() + kSuffix.size() || name.substr(0, kPrefix.size()) != kPrefix ||
      name.substr(name.size() - kSuffix.size()) != kSuffix) {
    return -1;
  }
  const std::string_view k = name.substr(kPrefix.size(), name.size() - kPrefix.size() - kSuffix.size());
  if (k.size() > 9 || k.find_first_not_of("0123456789") != std::string_view::npos) return -1;
  int64_t v = 0;
  for (char c : k) v = v * 10 + (c - '0');
  return v;
}

}  // namespace

Expected<NearIndex> NearIndex::open(const std::string& dir, uint64_t options, uint64_t run) {
  if (::mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST) {
    return errno_status(fmt::format("cannot create the index directory {}", dir), errno);
  }
  struct CloseDir {
    void operator()(DIR* d) const { closedir(d); }
  };
  std::unique_ptr<DIR, CloseDir> d(opendir(dir.c_str()));
  if (!d) return errno_status(fmt::format("cannot read the index directory {}", dir), errno);
  std::map<int64_t, std::string> found;
  while (const dirent* e = readdir(d.get())) {
    const int64_t k = segment_number(e->d_name);
    if (k >= 0) found[k] = fmt::format("{}/{}", dir, e->d_name);
  }
  NearIndex idx;
  int64_t next = found.empty() ? 0 : found.rbegin()->first + 1;
  for (const auto& [k, path] : found) {
    BITMILL_ASSIGN_OR_RETURN(SignFile f, SignFile::open(path));
    if (f.field(kSignOptions) != options) {
      return invalid_argument(
          fmt::format("{}: made with other options (--format, --key, --text-field, --id-field, "
                      "--ngram, --unit, --bands, --rows, --verify, --seed, --invalid-utf8); an "
                      "index holds the runs of one setting",
                      path));
    }
    if ((f.field(kSignFlags) & 2) == 0) return data_error(path + ": corrupt (an index segment without ids)");
    if (run != 0 && f.field(kSignNamesHash) == run) {
      next = k;  // this run's, from an earlier try: replaced
      continue;
    }
    idx.bases_.push_back(idx.bases_.back() + f.records());
    idx.segs_.push_back(std::move(f));
  }
  if (idx.bases_.back() >= (uint64_t{1} << 55)) return data_error(dir + ": more than 2^55 records in the index");
  idx.new_path_ = fmt::format("{}/segment.{}.bin", dir, next);
  return idx;
}

const SignFile& NearIndex::locate(uint64_t o, uint64_t& r) const {
  const size_t i = static_cast<size_t>(std::upper_bound(bases_.begin(), bases_.end(), o) - bases_.begin()) - 1;
  r = o - bases_[i];
  return segs_[i];
}

bool NearIndex::bucketed(uint64_t o, size_t& seg, uint64_t& r) const {
  const SignFile& f = locate(o, r);
  seg = static_cast<size_t>(&f - segs_.data());
  return f.bucketed(r);
}

const uint32_t* NearIndex::shingles(uint64_t o, size_t& n) const {
  uint64_t r = 0;
  const SignFile& f = locate(o, r);
  if ((f.field(kSignFlags) & 1) == 0) {
    n = 0;
    return nullptr;
  }
  return f.shingles(r, n);
}

std::string_view NearIndex::id(uint64_t o) const {
  uint64_t r = 0;
  const SignFile& f = locate(o, r);
  return f.id(r);
}

Expected<std::unique_ptr<SegmentBuilder>> SegmentBuilder::create(const std::string& tmp_dir, size_t bands, bool sets) {
  std::unique_ptr<SegmentBuilder> b(new SegmentBuilder(bands, sets));
  BITMILL_ASSIGN_OR_RETURN(b->keys_, TempFile::create(tmp_dir));
  BITMILL_ASSIGN_OR_RETURN(b->set_values_, TempFile::create(tmp_dir));
  BITMILL_ASSIGN_OR_RETURN(b->ids_, TempFile::create(tmp_dir));
  return b;
}

Status SegmentBuilder::add(const uint64_t* keys, bool bucketed, const std::vector<uint32_t>& set, std::string_view id,
                           uint32_t text_bytes) {
  static const std::vector<uint64_t> kNoKeys(255, 0);
  BITMILL_RETURN_IF_ERROR(keys_.append(bucketed ? keys : kNoKeys.data(), bands_ * 8));
  if (sets_) {
    BITMILL_RETURN_IF_ERROR(set_values_.append(set.data(), set.size() * 4));
    set_count_ += set.size();
    set_ends_.push_back(set_count_);
  }
  BITMILL_RETURN_IF_ERROR(ids_.append(id.data(), id.size()));
  id_bytes_ += id.size();
  id_ends_.push_back(id_bytes_);
  text_bytes_.push_back(text_bytes);
  bucketed_.push_back(bucketed ? 1 : 0);
  return Status::ok();
}

Expected<std::unique_ptr<WorkFileWriter>> SegmentBuilder::write(const std::string& path, uint64_t options,
                                                                uint64_t run) const {
  BITMILL_ASSIGN_OR_RETURN(std::unique_ptr<WorkFileWriter> out,
                           WorkFileWriter::open(path, std::string_view(kSignMagic, 8), kNearWorkVersion));
  const uint64_t n = records();
  const std::vector<uint64_t> lines(n, 0);
  BITMILL_RETURN_IF_ERROR(out->begin_section(kFileRecords));
  BITMILL_RETURN_IF_ERROR(out->write(&n, 8));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kLines));
  BITMILL_RETURN_IF_ERROR(out->write(lines.data(), n * 8));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kTextBytes));
  BITMILL_RETURN_IF_ERROR(out->write(text_bytes_.data(), n * 4));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kBucketed));
  BITMILL_RETURN_IF_ERROR(out->write(bucketed_.data(), n));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kKeys));
  BITMILL_RETURN_IF_ERROR(out->copy_from(keys_));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kShingleEnds));
  BITMILL_RETURN_IF_ERROR(out->write(set_ends_.data(), set_ends_.size() * 8));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kShingles));
  BITMILL_RETURN_IF_ERROR(out->copy_from(set_values_));
  BITMILL_RETURN_IF_ERROR(out->begin_section(kIds));
  BITMILL_RETURN_IF_ERROR(out->write(id_ends_.data(), id_ends_.size() * 8));
  BITMILL_RETURN_IF_ERROR(out->copy_from(ids_));
  WorkFields f{};
  f[kSignShards] = 1;
  f[kSignFileEnd] = 1;
  f[kSignInputs] = 1;
  f[kSignNamesHash] = run;
  f[kSignOptions] = options;
  f[kSignRecords] = n;
  f[kSignBands] = bands_;
  f[kSignFlags] = (sets_ ? 1 : 0) | 2;
  BITMILL_RETURN_IF_ERROR(out->finish(f));
  return out;
}

}  // namespace bitmill::dedup::detail
