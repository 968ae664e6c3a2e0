#include "dedup/near_sign_file.h"

#include <dirent.h>
#include <fmt/format.h>

#include <map>
#include <memory>

#include "bitmill/dedup/near_work.h"
#include "bitmill/text/json_string.h"
#include "bitmill/util/hash.h"

namespace bitmill::dedup::detail {

uint64_t options_fingerprint(const NearOptions& o, const InputSetOptions& io) {
  const std::string s = fmt::format(
      "key={} jsonl={} text={} id={} ngram={} char={} seed={} bands={} rows={} "
      "verify={} utf8={}",
      static_cast<int>(o.key), o.jsonl, o.text_field, o.id_field, o.ngram, o.char_units, o.seed, o.bands, o.rows,
      o.verify, static_cast<int>(io.invalid_utf8));
  return hash64(s);
}

uint64_t inputs_fingerprint(const std::vector<std::string>& paths) {
  std::string all;
  for (const std::string& p : paths) {
    all += p;
    all.push_back('\0');
  }
  return hash64(all);
}

Expected<SignFile> SignFile::open(const std::string& path) {
  SignFile s;
  BITMILL_ASSIGN_OR_RETURN(
      s.file_, WorkFile::open(path, std::string_view(kSignMagic, 8), kNearWorkVersion, "bitmill-dedup sign"));
  const WorkFile& f = s.file_;
  const uint64_t n = s.records(), bands = s.bands(), files = f.field(kSignFileEnd) - f.field(kSignFileBegin);
  const uint64_t flags = f.field(kSignFlags);
  const bool ok = f.field(kSignShards) > 0 && f.field(kSignShard) < f.field(kSignShards) &&
                  f.field(kSignFileBegin) <= f.field(kSignFileEnd) && f.field(kSignFileEnd) <= f.field(kSignInputs) &&
                  bands >= 1 && bands <= 255 && n < (uint64_t{1} << 56) && flags < 4 &&
                  f.section(kFileRecords).size() / 8 == files;
  if (!ok) return data_error(path + ": corrupt header (inconsistent fields)");
  BITMILL_RETURN_IF_ERROR(f.expect_array(kLines, n, 8, "line numbers"));
  BITMILL_RETURN_IF_ERROR(f.expect_array(kTextBytes, n, 4, "text lengths"));
  BITMILL_RETURN_IF_ERROR(f.expect_array(kBucketed, n, 1, "record flags"));
  BITMILL_RETURN_IF_ERROR(f.expect_array(kKeys, n, bands * 8, "band keys"));
  uint64_t sum = 0;
  for (uint64_t i = 0; i < files; ++i) sum += s.file_records(i);
  if (sum != n) return data_error(path + ": corrupt (records per file do not add up)");
  if (flags & 1) {
    BITMILL_RETURN_IF_ERROR(f.expect_array(kShingleEnds, n, 8, "shingle set ends"));
    const uint64_t* ends = f.array<uint64_t>(kShingleEnds);
    for (uint64_t r = 0, prev = 0; r < n; prev = ends[r++]) {
      if (ends[r] < prev) return data_error(path + ": corrupt (shingle set ends)");
    }
    BITMILL_RETURN_IF_ERROR(f.expect_array(kShingles, n == 0 ? 0 : ends[n - 1], 4, "shingle sets"));
  }
  if (flags & 2) {
    const std::string_view ids = f.section(kIds);
    if (ids.size() < n * 8) return data_error(path + ": corrupt (ids)");
    const uint64_t* ends = f.array<uint64_t>(kIds);
    s.id_bytes_ = ids.substr(n * 8);
    for (uint64_t r = 0, prev = 0; r < n; prev = ends[r++]) {
      if (ends[r] < prev || ends[r] > s.id_bytes_.size()) return data_error(path + ": corrupt (ids)");
    }
  }
  return s;
}

const uint32_t* SignFile::shingles(uint64_t r, size_t& n) const {
  if ((field(kSignFlags) & 1) == 0) {  // checked by open(): the sections are there only with the flag
    n = 0;
    return nullptr;
  }
  const uint64_t* ends = file_.array<uint64_t>(kShingleEnds);
  const uint64_t begin = r == 0 ? 0 : ends[r - 1];
  n = ends[r] - begin;
  return file_.array<uint32_t>(kShingles) + begin;
}

std::string_view SignFile::id(uint64_t r) const {
  if ((field(kSignFlags) & 2) == 0) return {};
  const uint64_t* ends = file_.array<uint64_t>(kIds);
  const uint64_t begin = r == 0 ? 0 : ends[r - 1];
  return id_bytes_.substr(begin, ends[r] - begin);
}

Status check_sign_set(const std::vector<SignFile>& files, uint64_t want_options, uint64_t want_inputs) {
  uint64_t next_file = 0;
  for (size_t i = 0; i < files.size(); ++i) {
    const SignFile& f = files[i];
    const std::string& p = f.path();
    if (f.shard().index != i || f.shard().count != files.size()) {
      return data_error(fmt::format("{}: holds sign shard {}, not {}/{}", p, f.shard().to_string(), i, files.size()));
    }
    if (want_options != 0 && f.field(kSignOptions) != want_options) {
      return invalid_argument(
          fmt::format("{}: signed with other options (--format, --key, --text-field, --id-field, "
                      "--ngram, --unit, --bands, --rows, --verify, --seed, --invalid-utf8)",
                      p));
    }
    if (f.field(kSignOptions) != files[0].field(kSignOptions)) {
      return data_error(fmt::format("{}: signed with other options than {}", p, files[0].path()));
    }
    // What a file holds (shingle sets, ids) follows from the options, so it is the same in every
    // file of a job; a forged flag would make a later phase read sections that are not there.
    if (f.field(kSignFlags) != files[0].field(kSignFlags)) {
      return data_error(fmt::format("{}: corrupt (holds other sections than {})", p, files[0].path()));
    }
    if (f.field(kSignNamesHash) != files[0].field(kSignNamesHash) ||
        f.field(kSignInputs) != files[0].field(kSignInputs)) {
      return data_error(fmt::format("{}: signed from another list of inputs than {}", p, files[0].path()));
    }
    if (want_inputs != 0 && f.field(kSignNamesHash) != want_inputs) {
      return invalid_argument(
          fmt::format("{}: signed from another list of inputs (give every task the same "
                      "inputs, in the same order)",
                      p));
    }
    const auto [b, e] = near_shard_files(f.field(kSignInputs), f.shard());
    if (f.field(kSignFileBegin) != b || f.field(kSignFileEnd) != e || b != next_file) {
      return data_error(fmt::format("{}: corrupt header (input range)", p));
    }
    next_file = e;
  }
  return Status::ok();
}

Expected<uint64_t> find_shard_count(const std::string& dir, std::string_view prefix, std::string_view phase) {
  struct CloseDir {
    void operator()(DIR* d) const { closedir(d); }
  };
  std::unique_ptr<DIR, CloseDir> d(opendir(dir.c_str()));
  if (!d) return errno_status(fmt::format("cannot read the work directory {}", dir), errno);
  std::map<uint64_t, uint64_t> counts;  // N -> files
  while (const dirent* e = readdir(d.get())) {
    const std::string_view name = e->d_name;
    if (name.substr(0, prefix.size()) != prefix || name.size() < prefix.size() + 4 ||
        name.substr(name.size() - 4) != ".bin") {
      continue;
    }
    const std::string_view mid = name.substr(prefix.size(), name.size() - prefix.size() - 4);  // I-of-N
    const size_t of = mid.find("-of-");
    if (of == std::string_view::npos) continue;
    uint64_t n = 0;
    const std::string_view ns = mid.substr(of + 4);
    if (ns.empty() || ns.size() > 7 || ns.find_first_not_of("0123456789") != std::string_view::npos) continue;
    for (char c : ns) n = n * 10 + static_cast<uint64_t>(c - '0');
    if (n > 0) ++counts[n];
  }
  if (counts.empty()) {
    return not_found(fmt::format("{}: no {}.I-of-N.bin files (run --phase {} first)", dir,
                                 prefix.substr(0, prefix.size() - 1), phase));
  }
  if (counts.size() > 1) {
    return data_error(fmt::format("{}: {} files of {} different shard counts ({} and {}); remove the old ones", dir,
                                  prefix.substr(0, prefix.size() - 1), counts.size(), counts.begin()->first,
                                  counts.rbegin()->first));
  }
  return counts.begin()->first;
}

Expected<std::vector<SignFile>> open_sign_set(const std::string& dir, uint64_t want_options) {
  BITMILL_ASSIGN_OR_RETURN(uint64_t n, find_shard_count(dir, "sign.", "sign"));
  std::vector<SignFile> files;
  files.reserve(n);
  std::string missing;
  for (uint64_t i = 0; i < n; ++i) {
    const std::string p = near_sign_path(dir, Shard{i, n});
    Expected<SignFile> f = SignFile::open(p);
    if (!f.has_value() && f.status().code() == StatusCode::kNotFound) {
      missing += fmt::format("{}{}", missing.empty() ? "" : ",", i);
      continue;
    }
    if (!f.has_value()) return f.status();
    files.push_back(std::move(f).value());
  }
  if (!missing.empty()) {
    return not_found(fmt::format("{}: sign shards {} of {} are missing (run --phase sign for them)", dir, missing, n));
  }
  BITMILL_RETURN_IF_ERROR(check_sign_set(files, want_options, 0));
  return files;
}

void append_removed(std::string_view line, std::string_view dup, bool jsonl, std::string& out) {
  if (!jsonl) {
    out += line;
    out.push_back('\t');
    out += dup;
    out.push_back('\n');
    return;
  }
  const size_t close = line.rfind('}');
  const std::string_view head = line.substr(0, close);
  out += head;
  const bool empty = head.find_last_not_of(" \t\r\n") == head.find('{');
  out += empty ? "\"duplicate_of\":\"" : ",\"duplicate_of\":\"";
  append_json_escaped(dup, out);
  out += "\"}\n";
}

}  // namespace bitmill::dedup::detail
