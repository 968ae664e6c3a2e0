#include "bitmill/filter/lang_id.h"

#include <doctest/doctest.h>

#include <stdlib.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <iterator>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "bitmill/filter/language.h"
#include "filter/lid_reliability.h"
#include "testing/test_util.h"

namespace bitmill::filter {
namespace {

using testing::TempDir;
using testing::write_file;

// Short sentences written for this test (not from any corpus), with their language.
struct Sample {
  std::string_view iso639_3;
  std::string_view text;
};
const Sample kSamples[] = {
    {"deu", "Ich habe heute Morgen meinen Schlüssel in der Küche vergessen und musste zurückgehen."},
    {"eng", "The children were playing in the garden while their parents prepared dinner."},
    {"fra", "Nous avons passé nos vacances au bord de la mer et il a fait beau tous les jours."},
    {"spa", "Mi hermana trabaja en un hospital y siempre llega muy cansada a casa."},
    {"pol", "Wczoraj wieczorem oglądaliśmy film w kinie, a potem poszliśmy na kolację."},
    {"tur", "Yarın sabah erkenden kalkıp otobüsle şehir merkezine gideceğim."},
    {"rus", "Вчера вечером мы долго гуляли по парку и разговаривали о будущем."},
    {"ell", "Το καλοκαίρι πηγαίνουμε συχνά στο νησί για να δούμε τους παππούδες μας."},
    {"zho", "我们明天早上八点在火车站见面，然后一起去博物馆。"},
    {"jpn", "昨日は雨が降っていたので、一日中家で本を読んでいました。"},
    {"kor", "오늘은 날씨가 좋아서 친구들과 함께 공원에서 산책을 했습니다."},
    {"ara", "ذهبت إلى السوق صباح اليوم لشراء الخضار والفواكه الطازجة."},
    {"heb", "אני אוהב לקרוא ספרים בערב לפני שאני הולך לישון."},
    {"hin", "मैं हर सुबह अपने दोस्तों के साथ पार्क में दौड़ने जाता हूँ।"},
    {"tha", "ฉันชอบกินอาหารไทยที่ร้านใกล้บ้านทุกวันเสาร์"},
};

// The model the build copied from .cache/lid/ (scripts/install-lid-model.sh, which
// scripts/test.sh runs): the tests that need it fail without it, they do not pass silently.
bool have_test_model() {
  if (std::filesystem::exists(BITMILL_LID_MODEL_PATH)) return true;
  FAIL_CHECK("no " BITMILL_LID_MODEL_PATH " (run scripts/install-lid-model.sh and re-run cmake)");
  return false;
}

std::unique_ptr<LanguageIdentifier> open_test_model() {
  if (!have_test_model()) return nullptr;
  auto lid = open_fasttext_lid(BITMILL_LID_MODEL_PATH);
  REQUIRE_MESSAGE(lid.has_value(), lid.status().message());
  return std::move(lid).value();
}

void check_samples(const LanguageIdentifier& lid) {
  std::vector<LangGuess> out;
  for (const Sample& s : kSamples) {
    CAPTURE(s.text);
    lid.identify(s.text, 3, out);
    REQUIRE(!out.empty());
    CHECK(out.size() <= 3);
    REQUIRE(out[0].language != nullptr);
    CHECK(out[0].language->iso639_3 == s.iso639_3);
    for (size_t i = 0; i < out.size(); ++i) {
      CHECK(out[i].prob > 0.0f);
      CHECK(out[i].prob <= 1.0f);
      CHECK(!out[i].label.empty());
      if (i > 0) CHECK(out[i - 1].prob >= out[i].prob);
    }
  }
}

// Behaviour common to both engines.
void check_edge_cases(const LanguageIdentifier& lid) {
  std::vector<LangGuess> out = {{nullptr, "stale", 0.5f}};
  lid.identify("", 3, out);
  CHECK(out.empty());
  out = {{nullptr, "stale", 0.5f}};
  lid.identify(" \t\n\r ", 3, out);
  CHECK(out.empty());
  lid.identify(kSamples[0].text, 0, out);
  CHECK(out.empty());
  // Nothing of a language in it: no guess (rather than fastText's label prior).
  for (std::string_view t : {"12345 678", "!!! ???", "\xf0\x9f\x98\x80\xf0\x9f\x98\x80"}) {
    CAPTURE(t);
    out = {{nullptr, "stale", 0.5f}};
    lid.identify(t, 3, out);
    CHECK(out.empty());
  }

  // The output is replaced, not appended to.
  out = {{nullptr, "stale", 0.5f}, {nullptr, "stale", 0.5f}, {nullptr, "stale", 0.5f}, {nullptr, "x", 0.1f}};
  lid.identify(kSamples[1].text, 1, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].label == "en");

  // Newlines are spaces: a text split over lines gets the guesses of the joined line.
  std::vector<LangGuess> joined, split;
  lid.identify("Der Zug nach Berlin hat heute wieder eine Stunde Verspätung.", 2, joined);
  lid.identify("Der Zug nach Berlin\nhat heute wieder\r\neine Stunde Verspätung.", 2, split);
  REQUIRE(!joined.empty());
  REQUIRE(joined.size() == split.size());
  for (size_t i = 0; i < joined.size(); ++i) {
    CHECK(joined[i].label == split[i].label);
    CHECK(joined[i].prob == doctest::Approx(split[i].prob).epsilon(0.02));
  }

  // Invalid UTF-8 and long input neither crash nor throw.
  lid.identify("Der Hund \xff\xfe l\xc3uft \xe2\x82 schnell", 3, out);
  std::string long_text;
  while (long_text.size() < 200000) long_text += "Das ist ein ziemlich langer Text über nichts Besonderes. ";
  lid.identify(long_text, 1, out);
  REQUIRE(out.size() == 1);
  REQUIRE(out[0].language != nullptr);
  CHECK(out[0].language->iso639_3 == "deu");
}

void check_threads(const LanguageIdentifier& lid) {
  // Single-threaded reference, then the same calls from several threads at once.
  std::vector<std::vector<LangGuess>> ref(std::size(kSamples));
  for (size_t i = 0; i < std::size(kSamples); ++i) lid.identify(kSamples[i].text, 3, ref[i]);
  constexpr int kThreads = 8;
  std::vector<int> mismatches(kThreads, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<LangGuess> out;
      for (int rep = 0; rep < 200; ++rep) {
        const size_t i = static_cast<size_t>(rep + t) % std::size(kSamples);
        lid.identify(kSamples[i].text, 3, out);
        bool same = out.size() == ref[i].size();
        for (size_t j = 0; same && j < out.size(); ++j) {
          same =
              out[j].label == ref[i][j].label && out[j].prob == ref[i][j].prob && out[j].language == ref[i][j].language;
        }
        if (!same) ++mismatches[static_cast<size_t>(t)];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int t = 0; t < kThreads; ++t) CHECK(mismatches[static_cast<size_t>(t)] == 0);
}

// Runs `check` on both engines: fastText lid.176 (when its model is there) and CLD2.
// fastText's model through libfasttext's own prediction (BITMILL_FASTTEXT=library).
std::unique_ptr<LanguageIdentifier> open_test_model_library() {
  ::setenv("BITMILL_FASTTEXT", "library", 1);
  auto lid = open_test_model();
  ::unsetenv("BITMILL_FASTTEXT");
  return lid;
}

template <class Check>
void for_each_engine(Check&& check) {
  std::unique_ptr<LanguageIdentifier> engines[] = {open_test_model(), open_test_model_library(), make_cld2_lid()};
  const char* names[] = {"fasttext (bitmill's predictor)", "fasttext (libfasttext)", "cld2"};
  for (size_t i = 0; i < std::size(engines); ++i) {
    if (!engines[i]) continue;
    CAPTURE(names[i]);
    check(*engines[i]);
  }
}

TEST_CASE("BITMILL_FASTTEXT: both predictions give the same guesses, and a bad value is refused") {
  auto fast = open_test_model();
  auto library = open_test_model_library();
  if (!fast || !library) return;
  std::vector<LangGuess> a, b;
  for (const Sample& s : kSamples) {
    CAPTURE(s.text);
    fast->identify(s.text, 3, a);
    library->identify(s.text, 3, b);
    REQUIRE(a.size() == b.size());
    for (size_t i = 0; i < a.size(); ++i) {
      CHECK(a[i].label == b[i].label);
      CHECK(std::abs(a[i].prob - b[i].prob) < 1e-4f);
    }
  }
  ::setenv("BITMILL_FASTTEXT", "fast", 1);
  auto bad = open_fasttext_lid(BITMILL_LID_MODEL_PATH);
  ::unsetenv("BITMILL_FASTTEXT");
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message() == "BITMILL_FASTTEXT must be 'bitmill' or 'library', not 'fast'");
}

TEST_CASE("language ID engines identify short sentences in several scripts") { for_each_engine(check_samples); }

TEST_CASE("language ID engines: edge cases") { for_each_engine(check_edge_cases); }

TEST_CASE("language ID engines give the same answers from many threads") { for_each_engine(check_threads); }

TEST_CASE("fastText lid.176 maps every label it returns and orders them") {
  auto lid = open_test_model();
  if (!lid) return;
  CHECK(lid->engine() == "fasttext");
  std::vector<LangGuess> out;
  // k above the label count: fastText returns every label above its 1e-5 floor (about 40 here).
  lid->identify(kSamples[0].text, 1000, out);
  REQUIRE(out.size() > 10);
  CHECK(out.size() <= 176);
  float sum = 0;
  for (size_t i = 0; i < out.size(); ++i) {
    CAPTURE(out[i].label);
    CHECK(out[i].language != nullptr);
    if (i > 0) CHECK(out[i - 1].prob >= out[i].prob);
    sum += out[i].prob;
  }
  // Hierarchical softmax: the leaves' probabilities sum to one, and the cut-off ones are tiny.
  CHECK(sum == doctest::Approx(1.0f).epsilon(0.01));
}

TEST_CASE("CLD2 uses its full tables") {
  // Zulu, Xhosa and Yoruba are only in libcld2_full's tables: with libcld2's own 83-language tables
  // (libcld2_full linked after libcld2, or dropped by --as-needed) these come back unknown.
  const Sample samples[] = {
      {"zul", "Ngiyabonga kakhulu ngosizo lwakho, sizobonana kusasa ekuseni esikoleni."},
      {"xho", "Enkosi kakhulu ngoncedo lwakho, siza kubonana ngomso kusasa esikolweni."},
      {"yor", "Mo fẹ́ràn láti jẹ oúnjẹ ìbílẹ̀ pẹ̀lú àwọn ọ̀rẹ́ mi ní ọjọ́ Àìkú."},
  };
  auto lid = make_cld2_lid();
  CHECK(lid->engine() == "cld2");
  std::vector<LangGuess> out;
  for (const Sample& s : samples) {
    CAPTURE(s.text);
    lid->identify(s.text, 1, out);
    REQUIRE(out.size() == 1);
    REQUIRE(out[0].language != nullptr);
    CHECK(out[0].language->iso639_3 == s.iso639_3);
  }
}

TEST_CASE("open_fasttext_lid reports a missing model as not found") {
  TempDir d;
  auto lid = open_fasttext_lid(d.file("nope.ftz"));
  REQUIRE(!lid.has_value());
  CHECK(lid.status().code() == StatusCode::kNotFound);
  CHECK(lid.status().message().find(d.file("nope.ftz")) != std::string::npos);
}

// Little-endian encodings for hand-made model headers.
std::string le32(int32_t v) {
  std::string b(4, '\0');
  for (int i = 0; i < 4; ++i)
    b[static_cast<size_t>(i)] = static_cast<char>((static_cast<uint32_t>(v) >> (8 * i)) & 0xff);
  return b;
}
std::string le64(int64_t v) { return le32(static_cast<int32_t>(v & 0xffffffff)) + le32(static_cast<int32_t>(v >> 32)); }

// fastText's magic number and version 12, then the 12 int32 arguments of lid.176 (dim 16, ws 5,
// epoch 5, minCount 1000, neg 5, wordNgrams 1, loss hs, model `model`, bucket 2000000, minn 2,
// maxn 4, lrUpdateRate 100) and the double t.
std::string model_header(int32_t model) {
  std::string h = le32(793712314) + le32(12);
  for (int32_t v : {16, 5, 5, 1000, 5, 1, 1, model, 2000000, 2, 4, 100}) h += le32(v);
  return h + std::string(8, '\0');
}

TEST_CASE("open_fasttext_lid rejects files that are not fastText models") {
  TempDir d;
  std::filesystem::create_directory(d.file("dir.ftz"));
  struct Case {
    std::string name, bytes;
  };
  const std::vector<Case> cases = {
      {"empty.ftz", ""},
      {"text.ftz", "this is not a model\n"},
      {"garbage.ftz", std::string(4096, '\x5a')},
      {"magic-only.ftz", le32(793712314)},
      {"future-version.ftz", le32(793712314) + le32(13) + std::string(100, '\0')},
      {"header-only.ftz", le32(793712314) + le32(12)},
      {"word-vectors.ftz", model_header(1) + std::string(100, '\0')},  // cbow: no labels
      // A dictionary that claims 10^9 entries.
      {"huge-dict.ftz",
       model_header(3) + le32(1000000000) + le32(999999999) + le32(1) + le64(0) + le64(-1) + std::string(64, 'a')},
      // Two entries, the first never '\0'-terminated: fastText's Dictionary::load would loop forever.
      {"open-word.ftz", model_header(3) + le32(2) + le32(1) + le32(1) + le64(0) + le64(-1) + "abc"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.name);
    write_file(d.file(c.name), c.bytes);
    auto lid = open_fasttext_lid(d.file(c.name));
    REQUIRE(!lid.has_value());
    CHECK(lid.status().code() == StatusCode::kDataError);
    CHECK(lid.status().message().find(d.file(c.name)) != std::string::npos);
  }
  auto dir = open_fasttext_lid(d.file("dir.ftz"));
  REQUIRE(!dir.has_value());
  CHECK(dir.status().code() == StatusCode::kDataError);
}

TEST_CASE("open_fasttext_lid rejects truncated and padded copies of lid.176") {
  if (!have_test_model()) return;
  const std::string model = testing::read_file(BITMILL_LID_MODEL_PATH);
  REQUIRE(model.size() > 100000);
  TempDir d;
  // Cuts in the header, the arguments, the dictionary (which fastText would read forever), the
  // pruning index, the quantized input matrix and the output matrix, and one byte short.
  const size_t cuts[] = {6, 30, 70, 1000, 100000, model.size() / 2, model.size() - 5000, model.size() - 1};
  for (size_t cut : cuts) {
    CAPTURE(cut);
    write_file(d.file("cut.ftz"), model.substr(0, cut));
    auto lid = open_fasttext_lid(d.file("cut.ftz"));
    REQUIRE(!lid.has_value());
    CHECK(lid.status().code() == StatusCode::kDataError);
  }
  write_file(d.file("padded.ftz"), model + "x");
  auto padded = open_fasttext_lid(d.file("padded.ftz"));
  REQUIRE(!padded.has_value());
  CHECK(padded.status().code() == StatusCode::kDataError);
  // The untouched copy loads.
  write_file(d.file("copy.ftz"), model);
  CHECK(open_fasttext_lid(d.file("copy.ftz")).has_value());
}

TEST_CASE("default_lid_model_path prefers BITMILL_LID_MODEL, then the build tree") {
  const char* old = ::getenv("BITMILL_LID_MODEL");
  const std::string saved = old != nullptr ? old : "";
  ::setenv("BITMILL_LID_MODEL", "/some/where/model.ftz", 1);
  CHECK(default_lid_model_path() == std::optional<std::string>("/some/where/model.ftz"));
  ::setenv("BITMILL_LID_MODEL", "", 1);  // empty counts as unset
  const auto p = default_lid_model_path();
  // The test binary is build/tests/bitmill_unit_tests: build/tests/../share/bitmill/lid.176.ftz.
  if (std::filesystem::exists(BITMILL_LID_MODEL_PATH)) {
    REQUIRE(p.has_value());
    CHECK(std::filesystem::equivalent(*p, BITMILL_LID_MODEL_PATH));
  } else {
    CHECK(!p.has_value());
  }
  if (old != nullptr) {
    ::setenv("BITMILL_LID_MODEL", saved.c_str(), 1);
  } else {
    ::unsetenv("BITMILL_LID_MODEL");
  }
}

}  // namespace
}  // namespace bitmill::filter

namespace bitmill::filter {
namespace {

TEST_CASE("can_name: the languages an engine has labels for") {
  auto ft = open_test_model();
  if (!ft) return;
  auto cld2 = make_cld2_lid();
  struct Row {
    const char* code;
    bool fasttext, cld2;
  };
  // lid.176 has no Klingon, Zulu or Kinyarwanda label; CLD2's full tables have all three. Both
  // name German, Esperanto, Chinese and (through the Danish/Norwegian group) Bokmål.
  const Row rows[] = {
      {"deu", true, true},  {"epo", true, true},  {"zho", true, true},  {"nob", true, true},
      {"tlh", false, true}, {"zul", false, true}, {"kin", false, true},
  };
  for (const Row& r : rows) {
    CAPTURE(r.code);
    const Language& l = **find_language(r.code);
    CHECK(ft->can_name(l) == r.fasttext);
    CHECK(cld2->can_name(l) == r.cld2);
  }
}

}  // namespace
}  // namespace bitmill::filter

namespace bitmill::filter {
namespace {

TEST_CASE("fastText language ID composes decomposed accents first (lid.176 learned from NFC text)") {
  auto lid = open_test_model();
  if (!lid) return;
  // Yoruba (NTREX-128's style: precomposed dots below, decomposed tone marks) and French, each
  // written composed and decomposed.
  const std::pair<std::string, std::string> texts[] = {
      {"Ó sọpé ìpòórá àwọn ilé ọtí yéni.",
       "O\u0301 sọpe\u0301 i\u0300po\u0300o\u0301ra\u0301 a\u0300wọn ile\u0301 ọti\u0301 ye\u0301ni."},
      {"Le café est très léger, dit-elle à côté du théâtre.",
       "Le cafe\u0301 est tre\u0300s le\u0301ger, dit-elle a\u0300 co\u0302te\u0301 du the\u0301a\u0302tre."},
  };
  std::vector<LangGuess> nfc, nfd;
  for (const auto& [composed, decomposed] : texts) {
    CAPTURE(composed);
    REQUIRE(composed != decomposed);
    lid->identify(composed, 3, nfc);
    lid->identify(decomposed, 3, nfd);
    REQUIRE(nfc.size() == nfd.size());
    for (size_t i = 0; i < nfc.size(); ++i) {
      CHECK(nfc[i].label == nfd[i].label);
      CHECK(nfc[i].prob == nfd[i].prob);
    }
    REQUIRE(!nfd.empty());
    CHECK(nfd[0].label != "ru");
  }
}

}  // namespace
}  // namespace bitmill::filter

namespace bitmill::filter {
namespace {

TEST_CASE("lid_miss_rate: the generated table, sorted, for languages lid.176 names") {
  for (size_t i = 1; i < detail::kLidMissRateCount; ++i) {
    CHECK(detail::kLidMissRates[i - 1].iso639_3 < detail::kLidMissRates[i].iso639_3);
  }
  for (size_t i = 0; i < detail::kLidMissRateCount; ++i) {
    const auto& r = detail::kLidMissRates[i];
    CAPTURE(r.iso639_3);
    CHECK(find_language(r.iso639_3).has_value());
    CHECK(r.miss_rate >= 0);
    CHECK(r.miss_rate <= 1);
    CHECK(r.sentences >= 200);
  }
  CHECK(detail::lid_miss_rate("eng") >= 0);
  CHECK(detail::lid_miss_rate("eng") <= 0.005);  // English is among the reliable ones
  CHECK(detail::lid_miss_rate("tlh") == -1);     // Klingon: no lid.176 label
  CHECK(detail::lid_miss_rate("") == -1);
}

}  // namespace
}  // namespace bitmill::filter
