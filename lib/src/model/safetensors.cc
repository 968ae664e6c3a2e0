#include "bitmill/model/safetensors.h"

#include "bitmill/util/half.h"

#include <algorithm>
#include <cstring>
#include <nlohmann/json.hpp>

namespace bitmill::model {
namespace {

size_t dtype_size(const std::string& d) {
  if (d == "F64" || d == "I64" || d == "U64") return 8;
  if (d == "F32" || d == "I32" || d == "U32") return 4;
  if (d == "F16" || d == "BF16" || d == "I16" || d == "U16") return 2;
  if (d == "I8" || d == "U8" || d == "BOOL" || d == "F8_E4M3" || d == "F8_E5M2") return 1;
  return 0;
}

DType dtype_of(const std::string& d) {
  if (d == "F32") return DType::kF32;
  if (d == "F16") return DType::kF16;
  if (d == "BF16") return DType::kBF16;
  if (d == "I8") return DType::kI8;
  return DType::kOther;
}

}  // namespace

int64_t TensorInfo::elements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

std::string shape_to_string(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Expected<SafeTensors> SafeTensors::open(const std::string& path) {
  SafeTensors st;
  BITMILL_ASSIGN_OR_RETURN(st.file_, MappedFile::open(path));
  const auto bad = [&](const std::string& what) { return data_error(path + ": " + what); };
  const size_t size = st.file_.size();
  if (size < 8) return bad("too short for a safetensors file (" + std::to_string(size) + " bytes)");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<uint8_t>(st.file_.data()[i]);
  if (header_len > size - 8) {
    return bad("header length " + std::to_string(header_len) + " runs past the end of the file (" +
               std::to_string(size) + " bytes); truncated or not a safetensors file");
  }
  const char* hdr = reinterpret_cast<const char*>(st.file_.data() + 8);
  nlohmann::json j = nlohmann::json::parse(hdr, hdr + header_len, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return bad("header is not a JSON object");
  const std::byte* base = st.file_.data() + 8 + header_len;
  const uint64_t data_size = size - 8 - header_len;

  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (auto it = j.begin(); it != j.end(); ++it) {
    const std::string& name = it.key();
    if (name == "__metadata__") {
      if (!it->is_object()) return bad("__metadata__ is not an object");
      for (auto m = it->begin(); m != it->end(); ++m) {
        if (m->is_string()) st.metadata_[m.key()] = m->get<std::string>();
      }
      continue;
    }
    const auto tbad = [&](const std::string& what) { return bad("tensor '" + name + "': " + what); };
    const nlohmann::json& t = *it;
    if (!t.is_object() || !t.contains("dtype") || !t.contains("shape") || !t.contains("data_offsets")) {
      return tbad("needs dtype, shape and data_offsets");
    }
    if (!t["dtype"].is_string() || !t["shape"].is_array() || !t["data_offsets"].is_array() ||
        t["data_offsets"].size() != 2) {
      return tbad("malformed entry");
    }
    TensorInfo info;
    info.name = name;
    info.dtype_name = t["dtype"].get<std::string>();
    info.dtype = dtype_of(info.dtype_name);
    const size_t esize = dtype_size(info.dtype_name);
    if (esize == 0) return tbad("unknown dtype '" + info.dtype_name + "'");
    uint64_t count = 1;
    for (const auto& d : t["shape"]) {
      if (!d.is_number_unsigned()) return tbad("shape has a negative or non-integer dimension");
      const uint64_t v = d.get<uint64_t>();
      if (v != 0 && count > (uint64_t{1} << 48) / v) return tbad("shape too large");
      count *= v;
      info.shape.push_back(static_cast<int64_t>(v));
    }
    const auto& off = t["data_offsets"];
    if (!off[0].is_number_unsigned() || !off[1].is_number_unsigned()) return tbad("data_offsets are not integers");
    const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
    if (begin > end || end > data_size) {
      return tbad("data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) + "] outside the " +
                  std::to_string(data_size) + " data bytes (truncated file?)");
    }
    if (end - begin != count * esize) {
      return tbad("holds " + std::to_string(end - begin) + " bytes but shape " + shape_to_string(info.shape) + " of " +
                  info.dtype_name + " needs " + std::to_string(count * esize));
    }
    info.data = base + begin;
    info.bytes = static_cast<size_t>(end - begin);
    ranges.emplace_back(begin, end);
    st.tensors_.emplace(name, std::move(info));
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 1; i < ranges.size(); ++i) {
    if (ranges[i].first < ranges[i - 1].second) return bad("tensors overlap in the data section");
  }
  return st;
}

const TensorInfo* SafeTensors::find(std::string_view name) const {
  std::vector<std::string> candidates{std::string(name)};
  for (std::string_view prefix : {"bert.", "roberta."}) {
    if (name.substr(0, prefix.size()) == prefix)
      candidates.emplace_back(name.substr(prefix.size()));
    else
      candidates.push_back(std::string(prefix) + std::string(name));
  }
  for (const auto& c : candidates) {
    auto it = tensors_.find(c);
    if (it != tensors_.end()) return &it->second;
  }
  return nullptr;
}

Expected<std::vector<float>> SafeTensors::load_f32(std::string_view name, const std::vector<int64_t>& shape) const {
  const TensorInfo* t = find(name);
  const std::string who = path() + ": tensor '" + std::string(name) + "'";
  if (t == nullptr) return data_error(who + ": missing from the checkpoint");
  if (t->shape != shape) {
    return data_error(who + ": expected shape " + shape_to_string(shape) + ", found " + shape_to_string(t->shape));
  }
  const auto n = static_cast<size_t>(t->elements());
  std::vector<float> out(n);
  switch (t->dtype) {
    case DType::kF32:
      // A tensor with a zero dimension has no bytes: memcpy must not see the null out.data().
      if (n > 0) std::memcpy(out.data(), t->data, n * sizeof(float));
      break;
    case DType::kF16:
    case DType::kBF16:
      for (size_t i = 0; i < n; ++i) {
        uint16_t v;
        std::memcpy(&v, t->data + 2 * i, sizeof(v));
        out[i] = t->dtype == DType::kF16 ? f16_to_f32(v) : bf16_to_f32(v);
      }
      break;
    case DType::kI8:
    case DType::kOther: return data_error(who + ": dtype " + t->dtype_name + " is not supported (F32, F16 or BF16)");
  }
  return out;
}

}  // namespace bitmill::model
