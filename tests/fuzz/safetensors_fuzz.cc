// SafeTensors::open (model/safetensors.h): an error, or tensors whose bytes lie inside the file,
// match shape x dtype and do not overlap; every supported tensor loads as f32.
#include <algorithm>
#include <utility>
#include <vector>

#include "bitmill/model/safetensors.h"
#include "fuzz_util.h"

using namespace bitmill;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string path = fuzz::write_file("model.safetensors", fuzz::as_view(data, size));
  auto st = model::SafeTensors::open(path);
  if (!st) {
    FUZZ_CHECK(!st.status().message().empty());
    return 0;
  }
  FUZZ_CHECK(size >= 8);
  std::vector<std::pair<const std::byte*, const std::byte*>> ranges;
  for (const auto& [name, t] : st->tensors()) {
    FUZZ_CHECK(t.bytes <= size);
    ranges.emplace_back(t.data, t.data + t.bytes);
    FUZZ_CHECK(st->find(name) != nullptr);
    if (t.dtype == model::DType::kOther) {
      FUZZ_CHECK(!st->load_f32(name, t.shape));
      continue;
    }
    const auto values = st->load_f32(name, t.shape);
    FUZZ_CHECK(values.has_value());
    FUZZ_CHECK(values->size() == static_cast<size_t>(t.elements()));
    // A wrong shape is refused.
    std::vector<int64_t> other = t.shape;
    other.push_back(1);
    FUZZ_CHECK(!st->load_f32(name, other));
  }
  std::sort(ranges.begin(), ranges.end());
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (i > 0) FUZZ_CHECK(ranges[i].first >= ranges[i - 1].second);
  }
  if (!ranges.empty()) {
    // All of them between the header and the end of the file.
    const std::byte* end = ranges.back().second;
    FUZZ_CHECK(end - ranges.front().first <= static_cast<std::ptrdiff_t>(size));
  }
  return 0;
}
