#include "bitmill/dedup/key.h"

namespace bitmill::dedup {

Expected<KeyField> parse_key_field(std::string_view s) {
  if (s == "line") return KeyField::kLine;
  if (s == "src") return KeyField::kSrc;
  if (s == "tgt") return KeyField::kTgt;
  if (s == "pair") return KeyField::kPair;
  return invalid_argument("invalid key '" + std::string(s) + "': expected line, src, tgt or pair");
}

bool KeyExtractor::extract(std::string_view line, std::string& buf, std::string_view& key) const {
  std::string_view raw = line;
  std::string_view second;
  if (field_ != KeyField::kLine) {
    const size_t tab = line.find('\t');
    if (tab == std::string_view::npos) {
      if (field_ != KeyField::kSrc) return false;
    } else {
      raw = line.substr(0, tab);
      const size_t tab2 = line.find('\t', tab + 1);
      second = line.substr(tab + 1, tab2 == std::string_view::npos ? std::string_view::npos : tab2 - tab - 1);
      if (field_ == KeyField::kTgt) raw = second;
      // Without normalisation the pair key is the line up to the end of column 2.
      if (field_ == KeyField::kPair) raw = line.substr(0, raw.size() + 1 + second.size());
    }
  }
  if (norm_.options().is_identity()) {
    key = raw;
    return true;
  }
  if (field_ == KeyField::kPair) {
    thread_local std::string a, b;
    const std::string_view na = norm_.normalize(line.substr(0, line.find('\t')), a);
    const std::string_view nb = norm_.normalize(second, b);
    buf.assign(na);
    buf.push_back('\t');
    buf.append(nb);
    key = buf;
    return true;
  }
  key = norm_.normalize(raw, buf);
  return true;
}

}  // namespace bitmill::dedup
