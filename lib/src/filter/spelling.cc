#include "filter/spelling.h"

#include <iconv.h>
#include <hunspell.hxx>

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "filter/feature_util.h"

namespace bitmill::filter::detail {
namespace {

struct Stems {
  std::string_view iso639_3;
  std::string_view stems[3];
};

// Debian bookworm's hunspell-* packages for the languages of the lang-id rule's close groups
// (language.cc): the rule consults them when language ID gives a side to a close language.
constexpr Stems kStems[] = {
    {"afr", {"af_ZA"}},
    {"nld", {"nl_NL", "nl"}},
    {"dan", {"da_DK"}},
    {"swe", {"sv_SE"}},
    {"nor", {"nb_NO"}},
    {"nno", {"nn_NO"}},
    {"est", {"et_EE"}},
    {"ces", {"cs_CZ"}},
    {"slk", {"sk_SK"}},
    {"slv", {"sl_SI"}},
    {"hbs", {"hr_HR", "sr_Latn_RS"}},
    {"hrv", {"hr_HR"}},
    {"bos", {"bs_BA"}},
    {"srp", {"sr_RS", "sr_Latn_RS"}},
    {"rus", {"ru_RU"}},
    {"ukr", {"uk_UA"}},
    {"bel", {"be_BY"}},
    {"bul", {"bg_BG"}},
    {"spa", {"es_ES"}},
    {"cat", {"ca_ES", "ca"}},
    {"glg", {"gl_ES"}},
    {"por", {"pt_PT", "pt_BR"}},
    {"ita", {"it_IT"}},
    {"fra", {"fr_FR", "fr"}},
    {"deu", {"de_DE"}},
    {"tur", {"tr_TR"}},
    {"ind", {"id_ID"}},
    {"gla", {"gd_GB"}},
};

bool readable(const std::filesystem::path& p) {
  std::error_code ec;
  return std::filesystem::is_regular_file(p, ec) && std::ifstream(p).good();
}

// UTF-8 `word` converted by `cd` (an iconv descriptor from UTF-8 to the dictionary's encoding),
// or false when it has no such form.
bool convert(iconv_t cd, std::string_view word, std::string& out) {
  iconv(cd, nullptr, nullptr, nullptr, nullptr);  // back to the initial state
  out.assign(word.size() * 4 + 4, '\0');
  char* in = const_cast<char*>(word.data());
  size_t in_left = word.size();
  char* o = out.data();
  size_t out_left = out.size();
  if (iconv(cd, &in, &in_left, &o, &out_left) == static_cast<size_t>(-1)) return false;
  out.resize(out.size() - out_left);
  return true;
}

// The words of `text` as Speller::unknown_share defines them.
std::vector<std::string_view> words_of(std::string_view text) {
  std::vector<std::string_view> out;
  const auto* p = reinterpret_cast<Bytes>(text.data());
  const size_t n = text.size();
  const CharTable ucd;
  size_t i = 0, start = 0, letters = 0;
  bool in_word = false, digits = false;
  auto finish = [&](size_t end) {
    if (in_word && letters >= 2 && !digits) out.push_back(text.substr(start, end - start));
    in_word = false;
    letters = 0;
    digits = false;
  };
  while (i < n) {
    const size_t at = i;
    const char32_t cp = next_cp(p, n, i);
    const CharClass c = ucd.cls(cp);
    if (c == kLetter || c == kMark) {
      if (!in_word) {
        in_word = true;
        start = at;
      }
      if (c == kLetter) ++letters;
    } else if (c == kDigit) {
      digits = in_word;
      if (in_word) continue;
    } else if ((cp == '\'' || cp == 0x2019) && in_word && i < n && ucd.cls(cp_at(p, n, i)) == kLetter) {
      continue;  // "d'une", "'n" inside a word
    } else {
      finish(at);
    }
  }
  finish(n);
  return out;
}

}  // namespace

Expected<std::unique_ptr<Speller>> Speller::open(const std::string& dir, const std::string& stem) {
  const std::filesystem::path aff = std::filesystem::path(dir) / (stem + ".aff");
  const std::filesystem::path dic = std::filesystem::path(dir) / (stem + ".dic");
  if (!readable(aff) || !readable(dic)) {
    return not_found(fmt::format("no readable spelling dictionary {}.aff/.dic in {}", stem, dir));
  }
  std::unique_ptr<Speller> s(new Speller());
  s->hunspell_ = std::make_unique<Hunspell>(aff.c_str(), dic.c_str());
  s->stem_ = stem;
  s->encoding_ = s->hunspell_->get_dict_encoding();
  if (s->encoding_.empty()) s->encoding_ = "ISO8859-1";  // Hunspell's default without SET
  if (s->encoding_ != "UTF-8" && s->encoding_ != "utf-8") {
    s->iconv_ = iconv_open(s->encoding_.c_str(), "UTF-8");
    if (s->iconv_ == reinterpret_cast<iconv_t>(-1)) {
      return data_error(fmt::format("{}/{}.aff: encoding {} unknown to iconv", dir, stem, s->encoding_));
    }
  }
  return s;
}

Speller::~Speller() {
  if (iconv_ != reinterpret_cast<iconv_t>(-1)) iconv_close(iconv_);
}

double Speller::unknown_share(std::string_view text, size_t* words) const {
  const std::vector<std::string_view> ws = words_of(text);
  if (words != nullptr) *words = ws.size();
  if (ws.empty()) return -1;
  const bool utf8 = iconv_ == reinterpret_cast<iconv_t>(-1);
  size_t unknown = 0;
  std::string word;
  const std::lock_guard<std::mutex> lock(mu_);
  for (std::string_view w : ws) {
    if (utf8) {
      word.assign(w);
    } else if (!convert(iconv_, w, word)) {
      ++unknown;  // letters the dictionary's encoding cannot write are not its language's
      continue;
    }
    if (!hunspell_->spell(word)) ++unknown;
  }
  return static_cast<double>(unknown) / static_cast<double>(ws.size());
}

std::vector<std::string_view> dictionary_stems(const Language& lang) {
  std::vector<std::string_view> out;
  for (const Stems& s : kStems) {
    if (s.iso639_3 != lang.iso639_3) continue;
    for (std::string_view stem : s.stems) {
      if (!stem.empty()) out.push_back(stem);
    }
  }
  return out;
}

Expected<std::unique_ptr<Speller>> open_speller(const std::string& dir, const Language& lang) {
  for (std::string_view stem : dictionary_stems(lang)) {
    const std::filesystem::path dic = std::filesystem::path(dir) / (std::string(stem) + ".dic");
    std::error_code ec;
    if (!std::filesystem::exists(dic, ec)) continue;
    return Speller::open(dir, std::string(stem));
  }
  return std::unique_ptr<Speller>();
}

}  // namespace bitmill::filter::detail
