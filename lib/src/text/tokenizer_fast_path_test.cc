// The fast paths of the tokenizers pipeline (the Precompiled charsmap's ASCII shortcut, the
// per-thread word cache, the reused per-thread buffers) against the simple code they shortcut:
// the ids must be the same on every input. The simple tokenizers are the ones checked against
// Hugging Face tokenizers in tokenizer_test.cc, so agreeing with them keeps that parity.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bitmill/text/tokenizer.h"
#include "text/precompiled_charsmap.h"

namespace bitmill::text {
namespace {

const std::string kFixtures = std::string(BITMILL_SOURCE_DIR) + "/tests/fixtures/tokenizers/";

// Pieces that stress the normaliser, the grapheme clusters and the pre-tokenizers: combining
// marks, CR LF and other controls, zero-width and joiner characters, emoji sequences and flags,
// Hangul jamo, Indic conjuncts, compatibility forms, odd spaces, and the added tokens themselves.
const std::vector<std::string> kPieces = {"a",
                                          "e",
                                          "the ",
                                          "The ",
                                          "  ",
                                          "   ",
                                          "\t",
                                          " \u00a0",
                                          "\u3000",
                                          "\r",
                                          "\r\n",
                                          "\n",
                                          "\u200b",
                                          "\u200d",
                                          "\u200c",
                                          "\ufeff",
                                          "\u00ad",
                                          "e\u0301",
                                          "\u00e9",
                                          "n\u0303",
                                          "\u0301",
                                          "\u0308\u0308",
                                          "A\u030a",
                                          "\u212b",
                                          "\uff21\uff42",
                                          "\uff11\uff12",
                                          "\u2460",
                                          "\u2163",
                                          "\ufb01",
                                          "\u00bd",
                                          "\u2126",
                                          "\U0001F468\u200d\U0001F469\u200d\U0001F467",
                                          "\U0001F44D\U0001F3FD",
                                          "\U0001F1E9\U0001F1EA",
                                          "\U0001F1EB",
                                          "\u2764\ufe0f",
                                          "#\ufe0f\u20e3",
                                          "\u1100\u1161\u11a8",
                                          "\ud55c\uad6d\uc5b4",
                                          "\u0915\u094d\u0937",
                                          "\u0928\u092e\u0938\u094d\u0924\u0947",
                                          "\u0e01\u0e33",
                                          "\u0e2a\u0e27\u0e31\u0e2a\u0e14\u0e35",
                                          "\u0645\u0631\u062d\u0628\u0627",
                                          "\u05e9\u05dc\u05d5\u05dd",
                                          "\u0627\u0644\u0644\u0651\u0647",
                                          "\u4e2d\u6587",
                                          "\u65e5\u672c\u8a9e\u3067\u3059",
                                          "\u30ab\u30bf\u30ab\u30ca",
                                          "\uff76\uff80\uff76\uff85",
                                          "\u309b",
                                          "\u041f\u0440\u0438\u0432\u0435\u0442",
                                          "\u0439",
                                          "\u0438\u0306",
                                          "Stra\u00dfe",
                                          "\u1e9e",
                                          "\u0130",
                                          "\u03a3\u03bf\u03c6\u03af\u03b1",
                                          "\u1f00",
                                          "co\u00f6perate",
                                          "\u2581",
                                          "\u2581\u2581x",
                                          "<unk>",
                                          "<s>",
                                          "</s>",
                                          "<mask>",
                                          "[CLS]",
                                          "[MASK]",
                                          "\x01",
                                          "\x7f",
                                          "\u0085",
                                          "\u2028",
                                          "\u2029",
                                          ".",
                                          "!?",
                                          "...",
                                          "\u2026",
                                          "\u201c",
                                          "\u201d",
                                          "--",
                                          "\u2014",
                                          "$12.50",
                                          "3.14",
                                          "100%",
                                          "@user",
                                          "http://x.y/z?a=1",
                                          "C++",
                                          "\\",
                                          "\"",
                                          "\U00010348",
                                          "\U0001D400",
                                          "\U00020000",
                                          "\U000E0001",
                                          "\ue000",
                                          "\U000F0000",
                                          "\ufffd",
                                          std::string(40, 'x'),
                                          "\u0915\u0915\u0915\u0915\u0915\u0915\u0915\u0915",
                                          "\u0300\u0300\u0300\u0300\u0300\u0300\u0300",
                                          "e\u0301\u0302\u0303\u0304",
                                          "\u1100\u1100\u1161",
                                          "\u11a8",
                                          "\u0600\u0661",
                                          "\u0d4e\u0d15",
                                          "\u200d\u200d",
                                          "\u034f",
                                          "\ufe0f",
                                          "\U000E0100"};
const std::vector<std::string> kWords = {"house",
                                         "dog",
                                         "Haus",
                                         "Hund",
                                         "maison",
                                         "chien",
                                         "\u0434\u043e\u043c",
                                         "\u0441\u043e\u0431\u0430\u043a\u0430",
                                         "\u623f\u5b50",
                                         "\u72d7",
                                         "running",
                                         "unbelievable",
                                         "Donaudampfschifffahrt",
                                         "caf\u00e9",
                                         "na\u00efve",
                                         "I",
                                         "a"};
const std::vector<std::string> kGlue = {"", " ", " ", " ", "  ", ", ", ". ", "\t", "\u00a0"};

// Lines mixing the pieces with ordinary words, from a fixed seed; then the fixture sentences.
std::vector<std::string> test_lines() {
  std::mt19937 rng(20240601);
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  std::vector<std::string> lines;
  for (int i = 0; i < 3000; ++i) {
    std::string s;
    const unsigned n = rng() % 26;
    for (unsigned k = 0; k < n; ++k) {
      if (rng() % 2 == 0) {
        s += pick(kWords) + pick(kGlue);
      } else {
        s += pick(kPieces);
      }
    }
    if (rng() % 10 == 0) s = std::string(" ") + s;
    if (rng() % 10 == 0) s += "\r";
    lines.push_back(s);
  }
  std::ifstream in(kFixtures + "sentences.txt");
  for (std::string line; std::getline(in, line);) {
    if (!line.starts_with("#")) lines.push_back(line);
  }
  lines.push_back("\xff invalid");
  lines.push_back("");
  return lines;
}

std::unique_ptr<Tokenizer> load(const std::string& dir, bool simple) {
  detail::set_simple_paths_for_testing(simple);
  auto t = load_tokenizer(dir, 512);
  detail::set_simple_paths_for_testing(false);
  REQUIRE(t.has_value());
  return std::move(*t);
}

// Every line twice (the second time the word cache is warm), encode and encode_plain.
void check_same(const Tokenizer& simple, const Tokenizer& fast, const std::vector<std::string>& lines) {
  std::vector<int32_t> want, got;
  for (int round = 0; round < 2; ++round) {
    for (const std::string& line : lines) {
      CAPTURE(line);
      for (bool plain : {false, true}) {
        const Status a = plain ? simple.encode_plain(line, want) : simple.encode(line, want);
        const Status b = plain ? fast.encode_plain(line, got) : fast.encode(line, got);
        REQUIRE(a.code() == b.code());
        REQUIRE(want == got);
      }
    }
  }
}

TEST_CASE("fast paths give the ids of the simple code on varied Unicode lines") {
  const std::vector<std::string> lines = test_lines();
  REQUIRE(lines.size() > 3000);
  std::vector<std::string> dirs;
  for (const char* name :
       {"unigram_xlmr", "unigram_plain", "unigram_mix", "wordpiece_uncased", "wordpiece_cased", "wordpiece_mix"}) {
    dirs.push_back(kFixtures + name);
  }
  // The bundled static model, where the source tree has it (it is not part of every checkout).
  const std::string bundled = std::string(BITMILL_SOURCE_DIR) + "/data/models/default/0_StaticEmbedding";
  if (std::filesystem::exists(bundled + "/tokenizer.json")) dirs.push_back(bundled);
  for (const std::string& dir : dirs) {
    CAPTURE(dir);
    auto simple = load(dir, true);
    auto fast = load(dir, false);
    check_same(*simple, *fast, lines);
  }
}

TEST_CASE("two tokenizers sharing a thread never get each other's cached words") {
  // Both are Unigram models with different vocabularies, so the same word tokenizes differently.
  auto xlmr_simple = load(kFixtures + "unigram_xlmr", true);
  auto plain_simple = load(kFixtures + "unigram_plain", true);
  auto xlmr = load(kFixtures + "unigram_xlmr", false);
  auto plain = load(kFixtures + "unigram_plain", false);
  const std::vector<std::string> lines = {"The house of the dog.", "Hund und Haus", "The house of the dog."};
  std::vector<int32_t> want, got;
  for (int round = 0; round < 3; ++round) {
    for (const auto& line : lines) {
      REQUIRE(xlmr_simple->encode_plain(line, want).is_ok());
      REQUIRE(xlmr->encode_plain(line, got).is_ok());
      CHECK(want == got);
      REQUIRE(plain_simple->encode_plain(line, want).is_ok());
      REQUIRE(plain->encode_plain(line, got).is_ok());
      CHECK(want == got);
    }
  }
  // A tokenizer loaded after another was destroyed (possibly at the same address) starts clean.
  xlmr.reset();
  auto again = load(kFixtures + "unigram_plain", false);
  for (const auto& line : lines) {
    REQUIRE(plain_simple->encode_plain(line, want).is_ok());
    REQUIRE(again->encode_plain(line, got).is_ok());
    CHECK(want == got);
  }
}

TEST_CASE("fast paths agree with the simple code on several threads at once") {
  const std::vector<std::string> lines = test_lines();
  auto simple = load(kFixtures + "unigram_xlmr", true);
  auto fast = load(kFixtures + "unigram_xlmr", false);
  std::vector<std::vector<int32_t>> want(lines.size());
  for (size_t i = 0; i < lines.size(); ++i) (void)simple->encode(lines[i], want[i]);
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      std::vector<int32_t> got;
      for (size_t k = 0; k < lines.size(); ++k) {
        const size_t i = (k * (t + 1) * 7919) % lines.size();  // a different order per thread
        (void)fast->encode(lines[i], got);
        if (got != want[i]) ++mismatches[t];
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int m : mismatches) CHECK(m == 0);
}

}  // namespace
}  // namespace bitmill::text
