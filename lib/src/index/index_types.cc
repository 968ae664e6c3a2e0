#include "index/index_types.h"

#include <sys/types.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <limits>

namespace bitmill::index::detail {
namespace {

// The types FAISS 1.7.3 writes for the factory strings bitmill documents: Flat (IxFI, IxF2),
// IVF...,Flat|PQ|SQ (IwFl, IwPQ, IvPQ, IwSq, IwSQ), PQ (IxPq), SQ (IxSQ), HNSW (IHNf, IHNp,
// IHNs), fast-scan PQ (IPfs, IwPf), refine (IxRF), OPQ/PCA pre-transform (IxPT), IDMap (IxMp).
constexpr std::array<std::string_view, 18> kReadable = {"IxFI", "IxF2", "IwFl", "IwPQ", "IvPQ", "IwSq",
                                                        "IwSQ", "IxPq", "IxSQ", "IHNf", "IHNp", "IHNs",
                                                        "IPfs", "IwPf", "IxRF", "IxPT", "IxMp", "IwFL"};

// FAISS's index header after the fourcc: d (int32), ntotal (int64), two dummies (int64),
// is_trained (1 byte), metric_type (int32), and metric_arg (float) when metric_type > 1.
constexpr size_t kHeader = 4 + 8 + 8 + 8 + 1 + 4;

std::string printable(std::string_view fourcc) {
  std::string out;
  for (const char c : fourcc) {
    if (c >= 0x20 && c < 0x7F) {
      out.push_back(c);
    } else {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out.push_back(kHex[static_cast<unsigned char>(c) >> 4]);
      out.push_back(kHex[static_cast<unsigned char>(c) & 15]);
    }
  }
  return out;
}

}  // namespace

bool readable_index_type(std::string_view fourcc) {
  for (std::string_view t : kReadable) {
    if (t == fourcc) return true;
  }
  return false;
}

namespace {

// Reads n bytes at `at` of the bytes or the file; false past the end.
class Source {
 public:
  explicit Source(std::string_view bytes) : bytes_(bytes) {}
  explicit Source(std::FILE* f) : file_(f) {}

  bool read(uint64_t at, void* out, size_t n) const {
    if (file_ == nullptr) {
      if (at > bytes_.size() || bytes_.size() - at < n) return false;
      std::memcpy(out, bytes_.data() + at, n);
      return true;
    }
    if (at > static_cast<uint64_t>(std::numeric_limits<off_t>::max())) return false;
    if (fseeko(file_, static_cast<off_t>(at), SEEK_SET) != 0) return false;
    return std::fread(out, 1, n, file_) == n;
  }

 private:
  std::string_view bytes_;
  std::FILE* file_ = nullptr;
};

// Where the index after an HNSW's graph starts (its storage), given where the graph starts:
// FAISS 1.7.3's read_HNSW reads five vectors (a uint64 count, then the elements: double, int,
// int, size_t, int) and five ints. 0 when a count points past what a file can hold.
uint64_t after_hnsw(const Source& src, uint64_t at) {
  constexpr size_t kElement[] = {8, 4, 4, 8, 4};
  for (size_t size : kElement) {
    uint64_t count = 0;
    if (!src.read(at, &count, sizeof count)) return 0;
    if (count > (uint64_t{1} << 56) / size) return 0;
    at += sizeof count + count * size;
  }
  return at + 5 * 4;
}

Status walk(const Source& src) {
  uint64_t pos = 0;
  for (int depth = 0; depth < 16; ++depth) {
    char type[4];
    if (!src.read(pos, type, sizeof type)) {
      return depth == 0 ? data_error("the file ends before its index type") : Status::ok();
    }
    const std::string_view fourcc(type, sizeof type);
    if (!readable_index_type(fourcc)) {
      return data_error("index type '" + printable(fourcc) + "' is not one bitmill reads");
    }
    // Descend into the wrapped index where its place follows from fixed fields: an IDMap's right
    // after its header, an IVF's coarse quantizer after the header, nlist and nprobe, an HNSW's
    // storage after its graph.
    const bool id_map = fourcc == "IxMp";
    const bool ivf = fourcc[0] == 'I' && (fourcc[1] == 'w' || fourcc[1] == 'v');
    const bool hnsw = fourcc.substr(0, 3) == "IHN";
    if (!id_map && !ivf && !hnsw) return Status::ok();
    int32_t metric = 0;
    if (!src.read(pos + 4 + kHeader - 4, &metric, sizeof metric)) return Status::ok();
    const uint64_t header_end = pos + 4 + kHeader + (metric > 1 ? 4 : 0);
    pos = hnsw ? after_hnsw(src, header_end) : header_end + (ivf ? 16 : 0);
    if (pos == 0) return Status::ok();
  }
  return data_error("index types nested more than 16 deep");
}

}  // namespace

Status check_index_types(std::FILE* f) { return walk(Source(f)); }

Status check_index_types(std::string_view bytes) { return walk(Source(bytes)); }

}  // namespace bitmill::index::detail
