#include "bitmill/mine/knn_shard.h"

#include <fmt/format.h>
#include <tbb/blocked_range.h>
#include <tbb/parallel_for.h>

#include <xxhash.h>
#include "bitmill/util/parallel.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>
#include <memory>
#include <set>

#include "bitmill/io/output_stream.h"
#include "bitmill/io/stale_temps.h"
#include "bitmill/util/hash.h"
#include "bitmill/util/mapped_file.h"
#include "bitmill/vectors/neighbors.h"

namespace bitmill::mine {

namespace {

// The lists are written and read as the machine's f32 and i64: little-endian is the file format.
static_assert(std::endian::native == std::endian::little, "knn shard files are little-endian");

constexpr char kMagic[8] = {'B', 'M', 'K', 'N', 'N', 'S', 'H', 'D'};
constexpr size_t kEntryBytes = sizeof(float) + sizeof(int64_t);
constexpr size_t kChunkBytes = size_t{1} << 20;  // payload bytes per write or per checked read

class Xxh3 {
 public:
  Xxh3() : s_(XXH3_createState(), &XXH3_freeState) { XXH3_64bits_reset(s_.get()); }
  void update(const void* p, size_t n) { XXH3_64bits_update(s_.get(), p, n); }
  void update_u64(uint64_t v) { update(&v, sizeof v); }
  uint64_t digest() const { return XXH3_64bits_digest(s_.get()); }

 private:
  std::unique_ptr<XXH3_state_t, decltype(&XXH3_freeState)> s_;
};

void put_u64(std::string& b, uint64_t v) {
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t get_u64(const std::byte* p) {
  uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | std::to_integer<uint64_t>(p[i]);
  return v;
}

// The header fields in file order, after the magic; the header's own checksum follows them.
// `version`, `flags` and `method` stand in for the values that are not fields of the header.
constexpr size_t kFields = 20;
static_assert(sizeof kMagic + kFields * 8 + 8 == kKnnShardHeaderBytes);

std::array<uint64_t*, kFields> fields(KnnShardHeader& h, uint64_t& version, uint64_t& flags, uint64_t& method) {
  KnnShardInputs& in = h.inputs;
  return {&version,      &h.shard.index,    &h.shard.count,    &h.rows.begin,
          &h.rows.end,   &h.fwd_k,          &h.bwd_k,          &in.k,
          &flags,        &method,           &in.dim,           &in.src_lines,
          &in.tgt_lines, &in.src_positions, &in.tgt_positions, &in.src_text,
          &in.tgt_text,  &in.src_emb,       &in.tgt_emb,       &h.payload_hash};
}

// The file's codes for the search methods, independent of the enum's values.
constexpr uint64_t kMethodF32 = 1, kMethodInt8 = 2;

std::string encode_header(KnnShardHeader h) {
  uint64_t version = kKnnShardVersion, flags = (h.inputs.unify ? 1u : 0u) | (h.inputs.normalize ? 2u : 0u);
  uint64_t method = h.inputs.method == KnnMethod::kInt8 ? kMethodInt8 : kMethodF32;
  std::string b(kMagic, sizeof kMagic);
  for (const uint64_t* v : fields(h, version, flags, method)) put_u64(b, *v);
  put_u64(b, hash64(b));
  return b;
}

bool mul_overflows(uint64_t a, uint64_t b, uint64_t& out) { return __builtin_mul_overflow(a, b, &out); }

// The payload size a header implies, or nullopt when it overflows (a corrupt header).
std::optional<uint64_t> payload_bytes(const KnnShardHeader& h) {
  uint64_t f = 0, b = 0;
  if (mul_overflows(h.rows.size(), h.fwd_k, f) || mul_overflows(f, kEntryBytes, f) ||
      mul_overflows(h.inputs.tgt_positions, h.bwd_k, b) || mul_overflows(b, kEntryBytes, b) ||
      f > std::numeric_limits<uint64_t>::max() - b - kKnnShardHeaderBytes) {
    return std::nullopt;
  }
  return f + b;
}

Expected<KnnShardHeader> decode_header(const MappedFile& f) {
  const std::string& path = f.path();
  const auto bad = [&](const std::string& why) { return data_error(path + ": " + why); };
  const std::byte* p = f.data();
  if (f.size() >= sizeof kMagic && std::memcmp(p, kMagic, sizeof kMagic) != 0) {
    return bad("not a bitmill-mine shard file (bad magic)");
  }
  if (f.size() < kKnnShardHeaderBytes) {
    return bad(fmt::format("truncated: {} bytes, less than a header", f.size()));
  }
  const uint64_t version = get_u64(p + 8);
  if (version != kKnnShardVersion) {
    return bad(fmt::format("shard file version {}, this bitmill-mine reads version {}", version, kKnnShardVersion));
  }
  const size_t hashed = sizeof kMagic + kFields * 8;
  if (hash64(std::string_view(reinterpret_cast<const char*>(p), hashed)) != get_u64(p + hashed)) {
    return bad("corrupt header (checksum mismatch)");
  }
  KnnShardHeader h;
  KnnShardInputs& in = h.inputs;
  uint64_t flags = 0, ignored_version = 0, method = 0;
  const auto slots = fields(h, ignored_version, flags, method);
  for (size_t i = 0; i < kFields; ++i) *slots[i] = get_u64(p + sizeof kMagic + 8 * i);
  in.unify = (flags & 1u) != 0;
  in.normalize = (flags & 2u) != 0;
  in.method = method == kMethodInt8 ? KnnMethod::kInt8 : KnnMethod::kF32;

  // A header that passed its checksum yet does not hold together was not written by this code.
  const PositionRange want = h.shard.count > 0 ? shard_positions(in.src_positions, h.shard) : PositionRange{};
  const bool ok = h.shard.count > 0 && h.shard.index < h.shard.count && in.k > 0 && flags < 4 &&
                  (method == kMethodF32 || method == kMethodInt8) && in.src_positions <= in.src_lines &&
                  in.tgt_positions <= in.tgt_lines && h.rows.begin == want.begin && h.rows.end == want.end &&
                  h.fwd_k == std::min(in.k, in.tgt_positions) && h.bwd_k == std::min(in.k, h.rows.size());
  const std::optional<uint64_t> payload = payload_bytes(h);
  if (!ok || !payload) return bad("corrupt header (inconsistent fields)");
  const uint64_t want_size = kKnnShardHeaderBytes + *payload;
  if (f.size() < want_size) return bad(fmt::format("truncated: {} bytes, the header says {}", f.size(), want_size));
  if (f.size() > want_size) {
    return bad(fmt::format("{} bytes, the header says {} (trailing data)", f.size(), want_size));
  }
  return h;
}

struct OpenShard {
  MappedFile file;
  KnnShardHeader header;
};

Expected<OpenShard> open_shard(const std::string& path) {
  OpenShard s;
  BITMILL_ASSIGN_OR_RETURN(s.file, MappedFile::open(path));
  BITMILL_ASSIGN_OR_RETURN(s.header, decode_header(s.file));
  return s;
}

bool same_shard(const KnnShardHeader& a, const KnnShardHeader& b) { return encode_header(a) == encode_header(b); }

// "3-5,9": the indices as ranges, as sbatch --array takes them; long lists are cut short.
std::string index_ranges(const std::vector<uint64_t>& v) {
  std::string s;
  for (size_t i = 0; i < v.size();) {
    size_t j = i;
    while (j + 1 < v.size() && v[j + 1] == v[j] + 1) ++j;
    if (!s.empty()) s += ',';
    if (s.size() > 200) return s + "...";
    s += j == i ? std::to_string(v[i]) : fmt::format("{}-{}", v[i], v[j]);
    i = j + 1;
  }
  return s;
}

void init_lists(Neighbors& nb, size_t rows, size_t k) {
  nb.rows = rows;
  nb.k = k;
  nb.sim.assign(rows * k, vectors::kNoSim);
  nb.idx.assign(rows * k, vectors::kNoIdx);
}

// One list record of k entries: k f32 similarities, then k i64 indices.
inline float record_sim(const std::byte* rec, size_t t) {
  float v;
  std::memcpy(&v, rec + t * sizeof(float), sizeof v);
  return v;
}
inline int64_t record_idx(const std::byte* rec, size_t k, size_t t) {
  int64_t v;
  std::memcpy(&v, rec + k * sizeof(float) + t * sizeof(int64_t), sizeof v);
  return v;
}

// Appends rows [r0, r1) of `nb` as records.
void encode_rows(const Neighbors& nb, size_t r0, size_t r1, std::string& out) {
  for (size_t r = r0; r < r1; ++r) {
    out.append(reinterpret_cast<const char*>(nb.sim_row(r)), nb.k * sizeof(float));
    out.append(reinterpret_cast<const char*>(nb.idx_row(r)), nb.k * sizeof(int64_t));
  }
}

Status write_lists(OutputStream& out, const Neighbors& nb, Xxh3& hash) {
  if (nb.k == 0) return Status::ok();
  const size_t per_chunk = std::max<size_t>(1, kChunkBytes / (nb.k * kEntryBytes));
  std::string buf;
  for (size_t r = 0; r < nb.rows; r += per_chunk) {
    buf.clear();
    encode_rows(nb, r, std::min(nb.rows, r + per_chunk), buf);
    hash.update(buf.data(), buf.size());
    BITMILL_RETURN_IF_ERROR(out.write(buf));
  }
  return Status::ok();
}

bool parse_u64(std::string_view s, uint64_t& v) {
  if (s.empty()) return false;
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

// knn.I-of-N.bin -> {I, N}
std::optional<Shard> shard_of_name(std::string_view name) {
  constexpr std::string_view pre = "knn.", suf = ".bin", sep = "-of-";
  if (!name.starts_with(pre) || !name.ends_with(suf)) return std::nullopt;
  name = name.substr(pre.size(), name.size() - pre.size() - suf.size());
  const size_t at = name.find(sep);
  Shard s;
  if (at == std::string_view::npos || !parse_u64(name.substr(0, at), s.index) ||
      !parse_u64(name.substr(at + sep.size()), s.count) || s.index >= s.count) {
    return std::nullopt;
  }
  return s;
}

}  // namespace

std::string describe_difference(const KnnShardInputs& file, const KnnShardInputs& now) {
  if (file.k != now.k) return fmt::format("with -k {}, not {}", file.k, now.k);
  if (file.unify != now.unify) return file.unify ? "with --unify" : "without --unify";
  if (file.normalize != now.normalize) return file.normalize ? "on normalised rows" : "on raw inner products";
  if (file.method != now.method) {
    return fmt::format("with the {} search, not {}", knn_method_name(file.method), knn_method_name(now.method));
  }
  if (file.src_text != now.src_text || file.src_lines != now.src_lines || file.src_positions != now.src_positions) {
    return "from other sentences in --src";
  }
  if (file.tgt_text != now.tgt_text || file.tgt_lines != now.tgt_lines || file.tgt_positions != now.tgt_positions) {
    return "from other sentences in --tgt";
  }
  if (file.dim != now.dim) return fmt::format("with dimension {}, not {}", file.dim, now.dim);
  if (file.src_emb != now.src_emb) return "from another --src-emb";
  if (file.tgt_emb != now.tgt_emb) return "from another --tgt-emb";
  return "";
}

uint64_t text_fingerprint(const Sentences& s) {
  Xxh3 h;
  std::string buf;
  for (size_t i = 0; i < s.size(); ++i) {
    buf.append(s.line(i));
    buf.push_back('\n');
    if (buf.size() >= kChunkBytes / 16) {
      h.update(buf.data(), buf.size());
      buf.clear();
    }
  }
  h.update(buf.data(), buf.size());
  return h.digest();
}

uint64_t embedding_fingerprint(const EmbeddingMatrix& m) {
  Xxh3 h;
  h.update_u64(m.rows());
  h.update_u64(m.dim());
  h.update_u64(m.type() == VecType::kF32 ? 32 : 16);
  if (m.rows() == 0) return h.digest();
  constexpr uint64_t kGaps = 256;
  const uint64_t last = m.rows() - 1, q = last / kGaps, r = last % kGaps;
  const size_t row_bytes = m.dim() * vec_type_size(m.type());
  for (uint64_t j = 0; j <= kGaps; ++j) h.update(m.row_data(q * j + r * j / kGaps), row_bytes);  // floor(j*last/256)
  return h.digest();
}

PositionRange shard_positions(uint64_t n, const Shard& s) {
  // floor(I*n/N) without overflowing I*n: I*n/N = I*(n/N) + I*(n%N)/N, and I*(n%N) < N*N.
  const auto at = [&](uint64_t i) { return i * (n / s.count) + i * (n % s.count) / s.count; };
  return {at(s.index), at(s.index + 1)};
}

std::string knn_shard_path(const std::string& dir, const Shard& s) {
  return fmt::format("{}{}knn.{}-of-{}.bin", dir, dir.ends_with('/') ? "" : "/", s.index, s.count);
}

Status knn_shard(const RowSet& x, const RowSet& y, const KnnOptions& opts, const Shard& s, Neighbors& fwd,
                 Neighbors& bwd) {
  const PositionRange range = shard_positions(x.size(), s);
  // A one-row shard (N near or above the row count) is searched as two copies of its row: the
  // AVX2 sgemm sums a one-row product (m == 1) in another order than a block, so the row alone
  // would get other last bits than in an unsharded run, where it shares a tile. The copy ties
  // with the original everywhere and loses every tie (higher index), so it is dropped below.
  const bool single = range.size() == 1;
  std::vector<int64_t> rows(single ? 2 : range.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    rows[i] = static_cast<int64_t>(x.source_row(range.begin + (single ? 0 : i)));
  }
  BITMILL_RETURN_IF_ERROR(knn_both(RowSet{x.matrix, &rows}, y, opts, fwd, bwd));
  if (single) {
    fwd.rows = 1;
    fwd.sim.resize(fwd.k);
    fwd.idx.resize(fwd.k);
    Neighbors one;
    init_lists(one, bwd.rows, bwd.k == 0 ? 0 : 1);
    for (size_t r = 0; r < one.rows && one.k == 1; ++r) {
      if (bwd.idx_row(r)[0] != 0)
        return internal_error("knn_shard: the two copies of a row got different similarities");
      one.sim[r] = bwd.sim_row(r)[0];
      one.idx[r] = 0;
    }
    bwd = std::move(one);
  }
  // Backward indices are positions among this shard's rows; the file holds global ones.
  for (int64_t& id : bwd.idx) id += static_cast<int64_t>(range.begin);
  return Status::ok();
}

Status write_knn_shard(const std::string& path, const Shard& s, const KnnShardInputs& inputs, const Neighbors& fwd,
                       const Neighbors& bwd) {
  KnnShardHeader h;
  h.shard = s;
  h.rows = shard_positions(inputs.src_positions, s);
  h.fwd_k = std::min(inputs.k, inputs.tgt_positions);
  h.bwd_k = std::min(inputs.k, h.rows.size());
  h.inputs = inputs;
  const auto shaped = [](const Neighbors& nb, uint64_t rows, uint64_t k) {
    return nb.rows == rows && nb.k == k && nb.sim.size() == rows * k && nb.idx.size() == rows * k;
  };
  if (s.count == 0 || s.index >= s.count || inputs.k == 0 || !shaped(fwd, h.rows.size(), h.fwd_k) ||
      !shaped(bwd, inputs.tgt_positions, h.bwd_k)) {
    return internal_error(path + ": neighbour lists of the wrong shape for shard " + s.to_string());
  }
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(path));
  BITMILL_RETURN_IF_ERROR(out->write(encode_header(h)));  // the payload checksum is patched in below
  Xxh3 hash;
  BITMILL_RETURN_IF_ERROR(write_lists(*out, fwd, hash));
  BITMILL_RETURN_IF_ERROR(write_lists(*out, bwd, hash));
  h.payload_hash = hash.digest();
  BITMILL_RETURN_IF_ERROR(out->patch(0, encode_header(h)));
  return out->commit();
}

Expected<KnnShardHeader> read_knn_shard_header(const std::string& path) {
  BITMILL_ASSIGN_OR_RETURN(OpenShard s, open_shard(path));
  return s.header;
}

Expected<uint64_t> find_knn_shard_count(const std::string& dir) {
  std::set<uint64_t> counts;
  std::error_code ec;
  for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    if (auto s = shard_of_name(it->path().filename().string())) counts.insert(s->count);
  }
  if (ec) return errno_status(dir, ec.value());
  if (counts.empty()) return not_found(dir + ": no shard files (knn.I-of-N.bin) in it; run the shards first");
  if (counts.size() > 1) {
    std::string list;
    for (uint64_t c : counts) list += (list.empty() ? "" : ", ") + std::to_string(c);
    return invalid_argument(dir + ": holds shard files of " + std::to_string(counts.size()) +
                            " different shard counts (" + list + "); pass --shards N");
  }
  return *counts.begin();
}

Expected<KnnShardSet> KnnShardSet::open(const std::string& dir, std::optional<uint64_t> count) {
  uint64_t n = 0;
  if (count) {
    n = *count;
  } else {
    BITMILL_ASSIGN_OR_RETURN(n, find_knn_shard_count(dir));
  }
  if (n == 0) return invalid_argument("the shard count must be at least 1");
  KnnShardSet set;
  std::vector<uint64_t> missing;
  for (uint64_t i = 0; i < n; ++i) {
    set.paths_.push_back(knn_shard_path(dir, Shard{i, n}));
    std::error_code ec;
    if (!std::filesystem::exists(set.paths_.back(), ec)) missing.push_back(i);
  }
  if (!missing.empty()) {
    return not_found(fmt::format("{}: no such file: {} of {} shards missing ({}); run those first",
                                 set.paths_[missing.front()], missing.size(), n, index_ranges(missing)));
  }
  for (uint64_t i = 0; i < n; ++i) {
    BITMILL_ASSIGN_OR_RETURN(KnnShardHeader h, read_knn_shard_header(set.paths_[i]));
    if (h.shard.index != i || h.shard.count != n) {
      return data_error(
          fmt::format("{}: holds shard {}, not {}/{} (renamed?)", set.paths_[i], h.shard.to_string(), i, n));
    }
    if (i > 0) {
      const std::string diff = describe_difference(h.inputs, set.inputs());
      if (!diff.empty()) {
        return data_error(fmt::format("{}: does not match {}: computed {}; recompute it with --force", set.paths_[i],
                                      set.paths_[0], diff));
      }
    }
    set.headers_.push_back(h);
  }
  // Every shard is complete, so what killed tasks left of these shards' files (a task killed,
  // then rerun on another node) is garbage. Not an error when that fails: the merge skips them.
  (void)remove_stale_temp_outputs_in(dir, [n](std::string_view name) {
    const auto s = shard_of_name(name);
    return s && s->count == n;
  });
  return set;
}

Status KnnShardSet::merge(Neighbors& fwd, Neighbors& bwd) const {
  const KnnShardInputs& in = inputs();
  const size_t ny = in.tgt_positions, kb = std::min(in.k, in.src_positions);
  init_lists(fwd, in.src_positions, std::min(in.k, in.tgt_positions));
  init_lists(bwd, ny, kb);
  for (size_t i = 0; i < headers_.size(); ++i) {
    const std::string& path = paths_[i];
    BITMILL_ASSIGN_OR_RETURN(OpenShard s, open_shard(path));
    if (!same_shard(s.header, headers_[i])) return data_error(path + ": changed while the shards were merged");
    const KnnShardHeader& h = s.header;
    const std::byte* p = s.file.data() + kKnnShardHeaderBytes;
    Xxh3 hash;
    std::atomic<bool> bad_index{false};

    // Forward lists: this shard's rows, final; copied into place.
    if (h.fwd_k > 0) {
      const size_t k = h.fwd_k, rec = k * kEntryBytes, per_chunk = std::max<size_t>(1, kChunkBytes / rec);
      for (size_t r0 = 0; r0 < h.rows.size(); r0 += per_chunk) {
        const size_t r1 = std::min<size_t>(h.rows.size(), r0 + per_chunk);
        hash.update(p, (r1 - r0) * rec);
        for (size_t r = r0; r < r1; ++r, p += rec) {
          const size_t row = h.rows.begin + r;
          std::memcpy(&fwd.sim[row * k], p, k * sizeof(float));
          std::memcpy(&fwd.idx[row * k], p + k * sizeof(float), k * sizeof(int64_t));
          for (size_t t = 0; t < k; ++t) {
            const int64_t id = fwd.idx[row * k + t];
            if (id < 0 || static_cast<uint64_t>(id) >= ny) bad_index = true;
          }
        }
      }
    }
    // Backward lists: every target's best among this shard's sources, merged into the global
    // top kb by the list order; a shard's list is sorted, so its first loser ends the walk.
    if (h.bwd_k > 0) {
      const size_t k = h.bwd_k, rec = k * kEntryBytes, per_chunk = std::max<size_t>(1, kChunkBytes / rec);
      const auto lo = static_cast<int64_t>(h.rows.begin), hi = static_cast<int64_t>(h.rows.end);
      for (size_t r0 = 0; r0 < ny; r0 += per_chunk) {
        const size_t r1 = std::min(ny, r0 + per_chunk);
        hash.update(p, (r1 - r0) * rec);
        parallel_loop(tbb::blocked_range<size_t>(r0, r1, 1024), [&](const tbb::blocked_range<size_t>& b) {
          for (size_t r = b.begin(); r != b.end(); ++r) {
            const std::byte* record = p + (r - r0) * rec;
            float* gs = &bwd.sim[r * kb];
            int64_t* gi = &bwd.idx[r * kb];
            bool walking = true;
            for (size_t t = 0; t < k; ++t) {
              const float v = record_sim(record, t);
              const int64_t id = record_idx(record, k, t);
              if (id < lo || id >= hi || std::isnan(v)) {  // a NaN would never be inserted
                bad_index = true;
                break;
              }
              if (walking && !vectors::better(v, id, gs[kb - 1], gi[kb - 1])) walking = false;
              if (walking) vectors::insert(gs, gi, kb, v, id);
            }
          }
        });
        p += (r1 - r0) * rec;
      }
    }
    if (hash.digest() != h.payload_hash) {
      return data_error(path + ": corrupt neighbour lists (checksum mismatch); recompute the shard with --force");
    }
    if (bad_index) return data_error(path + ": corrupt neighbour lists (an index out of range, or a NaN)");
  }
  // Every target had at least kb candidates, so no list can still hold a placeholder, unless the
  // files repeat a candidate: written by something else, with checksums to match.
  if (std::find(bwd.idx.begin(), bwd.idx.end(), vectors::kNoIdx) != bwd.idx.end()) {
    const std::string& first = paths_.front();
    const std::string dir = first.substr(0, first.find_last_of('/') == std::string::npos ? 0 : first.find_last_of('/'));
    return data_error(
        (dir.empty() ? std::string(".") : dir) +
        ": the shards' backward lists are incomplete (corrupt shard files?); recompute them with --force");
  }
  return Status::ok();
}

}  // namespace bitmill::mine
