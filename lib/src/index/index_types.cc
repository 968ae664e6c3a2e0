#include "index/index_types.h"

#include <array>
#include <cstdint>
#include <cstring>

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

Status check_index_types(std::string_view bytes) {
  size_t pos = 0;
  for (int depth = 0; depth < 16; ++depth) {
    if (bytes.size() < pos + 4) return data_error("the file ends before its index type");
    const std::string_view fourcc = bytes.substr(pos, 4);
    if (!readable_index_type(fourcc)) {
      return data_error("index type '" + printable(fourcc) + "' is not one bitmill reads");
    }
    // Descend into the wrapped index where it sits at a fixed place: an IDMap's right after its
    // header, an IVF's coarse quantizer after the header, nlist and nprobe.
    const bool id_map = fourcc == "IxMp";
    const bool ivf = fourcc[0] == 'I' && (fourcc[1] == 'w' || fourcc[1] == 'v');
    if (!id_map && !ivf) return Status::ok();
    const size_t metric_at = pos + 4 + kHeader - 4;
    if (bytes.size() < metric_at + 4) return Status::ok();  // FAISS reports the short file
    int32_t metric = 0;
    std::memcpy(&metric, bytes.data() + metric_at, sizeof metric);
    pos += 4 + kHeader + (metric > 1 ? 4 : 0) + (ivf ? 16 : 0);
  }
  return data_error("index types nested more than 16 deep");
}

}  // namespace bitmill::index::detail
