// bitmill-mine's k-NN shard files (mine/knn_shard.h) in a work directory: the input is one file,
// knn.0-of-1.bin, or two, knn.0-of-2.bin and knn.1-of-2.bin (split at fuzz_util.h's separator),
// as byte 0 says (bit 1). Bit 0 asks the target to recompute the header and payload checksums
// first, so that mutations reach the checks behind them (the fuzzer cannot forge an XXH3). The
// contract: an error naming a file, or merged lists of the shape the headers promise.
#include <string>

#include "bitmill/mine/knn_shard.h"
#include "bitmill/util/hash.h"
#include "bitmill/vectors/neighbors.h"
#include "fuzz_util.h"

using namespace bitmill;

namespace {

constexpr size_t kPayloadHashAt = 8 + 19 * 8, kHeaderHashAt = kPayloadHashAt + 8;
static_assert(kHeaderHashAt + 8 == mine::kKnnShardHeaderBytes);

void put_u64(std::string& b, size_t at, uint64_t v) {
  for (int i = 0; i < 8; ++i) b[at + i] = static_cast<char>((v >> (8 * i)) & 0xff);
}

std::string with_checksums(std::string_view in) {
  std::string b(in);
  if (b.size() < mine::kKnnShardHeaderBytes) return b;
  put_u64(b, kPayloadHashAt, hash64(std::string_view(b).substr(mine::kKnnShardHeaderBytes)));
  put_u64(b, kHeaderHashAt, hash64(std::string_view(b).substr(0, kHeaderHashAt)));
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const bool fix = data[0] & 1, two = data[0] & 2;
  const auto parts = fuzz::split_parts(fuzz::as_view(data + 1, size - 1), two ? 2 : 1);
  for (const char* stale : {"work/knn.0-of-1.bin", "work/knn.0-of-2.bin", "work/knn.1-of-2.bin"}) {
    fuzz::remove_file(stale);
  }
  for (size_t i = 0; i < parts.size(); ++i) {
    if (!parts[i].present) continue;
    const std::string name = "work/knn." + std::to_string(i) + "-of-" + std::to_string(parts.size()) + ".bin";
    fuzz::write_file(name, fix ? with_checksums(parts[i].bytes) : std::string(parts[i].bytes));
  }
  const std::string dir = fuzz::scratch_dir() + "/work";
  auto header = mine::read_knn_shard_header(dir + "/knn.0-of-" + std::to_string(parts.size()) + ".bin");
  if (header) FUZZ_CHECK(header->shard.index < header->shard.count);
  auto set = mine::KnnShardSet::open(dir);
  if (!set) {
    FUZZ_CHECK_NAMES(set.status().message(), dir);
    return 0;
  }
  vectors::Neighbors fwd, bwd;
  const Status st = set->merge(fwd, bwd);
  if (!st) {
    FUZZ_CHECK_NAMES(st.message(), dir);
    return 0;
  }
  const mine::KnnShardInputs& in = set->inputs();
  FUZZ_CHECK(fwd.rows == in.src_positions && bwd.rows == in.tgt_positions);
  FUZZ_CHECK(fwd.sim.size() == fwd.rows * fwd.k && fwd.idx.size() == fwd.rows * fwd.k);
  FUZZ_CHECK(bwd.sim.size() == bwd.rows * bwd.k && bwd.idx.size() == bwd.rows * bwd.k);
  for (int64_t i : fwd.idx) FUZZ_CHECK(i >= 0 && static_cast<uint64_t>(i) < in.tgt_positions);
  for (int64_t i : bwd.idx) FUZZ_CHECK(i >= 0 && static_cast<uint64_t>(i) < in.src_positions);
  return 0;
}
