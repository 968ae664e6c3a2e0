#include "bitmill/io/embeddings.h"

#include <charconv>
#include <cstring>
#include <string_view>
#include <vector>

#include "bitmill/kernels/kernels.h"
#include "bitmill/util/half.h"

namespace bitmill {
namespace {

bool ends_with(const std::string& s, std::string_view suf) {
  return s.size() >= suf.size() && s.compare(s.size() - suf.size(), suf.size(), suf) == 0;
}

// The value text after 'key': in a NumPy header dict, e.g. "'<f4', 'fortran_order': ...".
std::string_view dict_value(std::string_view header, std::string_view key) {
  std::string quoted;
  quoted.reserve(key.size() + 2);
  quoted.push_back('\'');
  quoted.append(key);
  quoted.push_back('\'');
  size_t p = header.find(quoted);
  if (p == std::string_view::npos) return {};
  p = header.find(':', p + quoted.size());
  if (p == std::string_view::npos) return {};
  ++p;
  while (p < header.size() && header[p] == ' ') ++p;
  return header.substr(p);
}

}  // namespace

size_t vec_type_size(VecType t) { return t == VecType::kF32 ? 4 : 2; }

Expected<EmbeddingMatrix> EmbeddingMatrix::open(const std::string& path, std::optional<size_t> dim, VecType raw_type) {
  if (ends_with(path, ".npy")) {
    BITMILL_ASSIGN_OR_RETURN(EmbeddingMatrix m, open_npy(path));
    if (dim && *dim != m.dim()) {
      return data_error(path + ": has dimension " + std::to_string(m.dim()) + ", expected " + std::to_string(*dim));
    }
    return m;
  }
  if (!dim) return invalid_argument(path + ": raw embeddings need their dimension (--dim)");
  return open_raw(path, *dim, raw_type);
}

Expected<EmbeddingMatrix> EmbeddingMatrix::open_raw(const std::string& path, size_t dim, VecType type) {
  if (dim == 0) return invalid_argument(path + ": dimension must be positive");
  if (dim > kMaxEmbeddingDim) {
    return invalid_argument(path + ": dimension " + std::to_string(dim) + " is above " +
                            std::to_string(kMaxEmbeddingDim));
  }
  EmbeddingMatrix m;
  BITMILL_ASSIGN_OR_RETURN(m.file_, MappedFile::open(path));
  const size_t row_bytes = dim * vec_type_size(type);
  if (m.file_.size() % row_bytes != 0) {
    return data_error(path + ": " + std::to_string(m.file_.size()) + " bytes is not a whole number of " +
                      std::to_string(dim) + "-dimensional " + (type == VecType::kF32 ? "f32" : "f16") +
                      " rows (truncated file, or wrong --dim?)");
  }
  m.data_ = m.file_.data();
  m.rows_ = m.file_.size() / row_bytes;
  m.dim_ = dim;
  m.type_ = type;
  return m;
}

Expected<EmbeddingMatrix> EmbeddingMatrix::open_npy(const std::string& path) {
  EmbeddingMatrix m;
  BITMILL_ASSIGN_OR_RETURN(m.file_, MappedFile::open(path));
  const auto bad = [&](const std::string& what) { return data_error(path + ": " + what); };
  const auto* p = reinterpret_cast<const unsigned char*>(m.file_.data());
  const size_t size = m.file_.size();
  if (size < 10 || std::memcmp(p, "\x93NUMPY", 6) != 0) return bad("not a .npy file (bad magic)");
  const int major = p[6];
  size_t header_len = 0, offset = 0;
  if (major == 1) {
    header_len = p[8] | (size_t{p[9]} << 8);
    offset = 10;
  } else if (major == 2 || major == 3) {
    if (size < 12) return bad("truncated .npy header");
    header_len = p[8] | (size_t{p[9]} << 8) | (size_t{p[10]} << 16) | (size_t{p[11]} << 24);
    offset = 12;
  } else {
    return bad("unsupported .npy format version " + std::to_string(major));
  }
  if (offset + header_len > size) return bad("truncated .npy header");
  const std::string_view header(reinterpret_cast<const char*>(p + offset), header_len);

  const std::string_view descr = dict_value(header, "descr");
  if (descr.substr(0, 6) == "'<f4'," || descr.substr(0, 5) == "'<f4'")
    m.type_ = VecType::kF32;
  else if (descr.substr(0, 5) == "'<f2'")
    m.type_ = VecType::kF16;
  else
    return bad("unsupported dtype " + std::string(descr.substr(0, descr.find(','))) + " (need '<f4' or '<f2')");
  if (dict_value(header, "fortran_order").substr(0, 5) != "False") return bad("Fortran-order arrays are not supported");

  std::string_view shape = dict_value(header, "shape");
  if (shape.empty() || shape[0] != '(') return bad("no shape in the .npy header");
  shape = shape.substr(1, shape.find(')') - 1);
  std::vector<uint64_t> dims;
  while (!shape.empty()) {
    while (!shape.empty() && (shape[0] == ' ' || shape[0] == ',')) shape.remove_prefix(1);
    if (shape.empty()) break;
    uint64_t v = 0;
    auto [end, ec] = std::from_chars(shape.data(), shape.data() + shape.size(), v);
    if (ec != std::errc()) return bad("malformed shape in the .npy header");
    dims.push_back(v);
    shape.remove_prefix(static_cast<size_t>(end - shape.data()));
  }
  if (dims.size() != 2) return bad("expected a 2-D array (rows, dim), found " + std::to_string(dims.size()) + "-D");
  m.rows_ = dims[0];
  m.dim_ = dims[1];
  if (m.dim_ == 0) return bad("shape (" + std::to_string(m.rows_) + ", 0) has no columns");
  if (m.dim_ > kMaxEmbeddingDim) {
    return bad("shape (" + std::to_string(m.rows_) + ", " + std::to_string(m.dim_) + ") has more than " +
               std::to_string(kMaxEmbeddingDim) + " columns");
  }
  // The product is checked, not computed blindly: a forged shape such as (2**60, 256) wraps around
  // 64 bits to a small number and would pass the size check, then every row read faults.
  uint64_t need = 0;
  const bool overflow = __builtin_mul_overflow(static_cast<uint64_t>(m.rows_), static_cast<uint64_t>(m.dim_), &need) ||
                        __builtin_mul_overflow(need, uint64_t{vec_type_size(m.type_)}, &need);
  const uint64_t have = size - offset - header_len;
  if (overflow) {
    return bad("shape (" + std::to_string(m.rows_) + ", " + std::to_string(m.dim_) + ") is too large for the " +
               std::to_string(have) + " data bytes the file holds");
  }
  if (have != need) {
    return bad("holds " + std::to_string(have) + " data bytes but shape (" + std::to_string(m.rows_) + ", " +
               std::to_string(m.dim_) + ") needs " + std::to_string(need) + (have < need ? " (truncated file?)" : ""));
  }
  m.data_ = m.file_.data() + offset + header_len;
  return m;
}

void EmbeddingMatrix::row_f32(size_t i, float* out) const {
  const std::byte* r = row_data(i);
  if (type_ == VecType::kF32) {
    std::memcpy(out, r, dim_ * sizeof(float));
    return;
  }
  kernels::f16_to_f32(r, out, dim_);
}

std::string npy_header(uint64_t rows, uint64_t dim, VecType type) {
  std::string dict = "{'descr': '";
  dict.append(type == VecType::kF32 ? "<f4" : "<f2");
  dict.append("', 'fortran_order': False, 'shape': (");
  dict.append(std::to_string(rows));
  dict.append(", ");
  dict.append(std::to_string(dim));
  dict.append("), }");
  const size_t unpadded = 10 + dict.size() + 1;  // magic+version+len, dict, '\n'
  dict.append((64 - unpadded % 64) % 64, ' ');
  dict.push_back('\n');
  std::string h("\x93NUMPY\x01\x00", 8);
  h.push_back(static_cast<char>(dict.size() & 0xFF));
  h.push_back(static_cast<char>((dict.size() >> 8) & 0xFF));
  h.append(dict);
  return h;
}

}  // namespace bitmill
