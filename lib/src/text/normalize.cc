#include "bitmill/text/normalize.h"

#include <utf8proc.h>

#include <cstdlib>
#include <cstring>

#include "bitmill/text/utf8.h"

namespace bitmill {
namespace {

bool is_ascii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

void fold_spaces(std::string_view in, std::string& out) {
  out.clear();
  bool pending_space = false;
  size_t pos = 0;
  while (pos < in.size()) {
    const size_t start = pos;
    const char32_t cp = decode_utf8(in, pos);
    if (is_unicode_space(cp)) {
      pending_space = !out.empty();
      continue;
    }
    if (pending_space) out.push_back(' ');
    pending_space = false;
    out.append(in.substr(start, pos - start));
  }
}

}  // namespace

Expected<NormalForm> parse_normal_form(std::string_view s) {
  if (s == "none") return NormalForm::kNone;
  if (s == "nfkc") return NormalForm::kNfkc;
  if (s == "casefold") return NormalForm::kCasefold;
  if (s == "nfkc-casefold") return NormalForm::kNfkcCasefold;
  return invalid_argument("invalid normalisation '" + std::string(s) +
                          "': expected none, nfkc, casefold or nfkc-casefold");
}

bool is_unicode_space(char32_t cp) {
  switch (cp) {
    case 0x09:
    case 0x0A:
    case 0x0B:
    case 0x0C:
    case 0x0D:
    case 0x20:
    case 0x85:
    case 0xA0:
    case 0x1680:
    case 0x2028:
    case 0x2029:
    case 0x202F:
    case 0x205F:
    case 0x3000: return true;
    default: return cp >= 0x2000 && cp <= 0x200A;
  }
}

std::string_view Normalizer::normalize(std::string_view in, std::string& out) const {
  if (opts_.is_identity()) return in;
  std::string_view cur = in;
  if (opts_.form != NormalForm::kNone) {
    if (is_ascii(in)) {
      // NFKC is the identity on ASCII and case folding is ASCII lower-casing.
      out.assign(in);
      if (opts_.form != NormalForm::kNfkc) {
        for (char& c : out) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
      }
    } else {
      int flags = UTF8PROC_STABLE;
      if (opts_.form == NormalForm::kNfkc || opts_.form == NormalForm::kNfkcCasefold)
        flags |= UTF8PROC_COMPOSE | UTF8PROC_COMPAT;
      if (opts_.form == NormalForm::kCasefold || opts_.form == NormalForm::kNfkcCasefold) flags |= UTF8PROC_CASEFOLD;
      if (opts_.form == NormalForm::kNfkcCasefold) flags |= UTF8PROC_IGNORE;
      utf8proc_uint8_t* mapped = nullptr;
      const utf8proc_ssize_t n =
          utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(in.data()), static_cast<utf8proc_ssize_t>(in.size()),
                       &mapped, static_cast<utf8proc_option_t>(flags));
      if (n >= 0) {
        out.assign(reinterpret_cast<const char*>(mapped), static_cast<size_t>(n));
      } else {
        out.assign(in);  // unreachable for valid UTF-8; keep the bytes rather than lose the line
      }
      std::free(mapped);
    }
    cur = out;
  }
  if (opts_.fold_whitespace) {
    thread_local std::string folded;
    fold_spaces(cur, folded);
    out.swap(folded);
  }
  return out;
}

}  // namespace bitmill
