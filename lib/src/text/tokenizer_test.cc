#include "bitmill/text/tokenizer.h"
#include "bitmill/text/utf8.h"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "testing/test_util.h"

// The expected ids in tests/fixtures/tokenizers/*.expected.tsv come from Hugging Face tokenizers
// (and python3-sentencepiece for xlmr_spm), written by scripts/generate/tokenizer_fixtures.sh.

namespace bitmill::text {
namespace {

const std::string kFixtureDir = std::string(BITMILL_SOURCE_DIR) + "/tests/fixtures/tokenizers";

// The escapes of sentences.txt: \\ \t \n \r \u{HEX}.
std::string unescape(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '\\' || i + 1 == s.size()) {
      out.push_back(s[i]);
      continue;
    }
    const char n = s[++i];
    if (n == 't') {
      out.push_back('\t');
    } else if (n == 'n') {
      out.push_back('\n');
    } else if (n == 'r') {
      out.push_back('\r');
    } else if (n == 'u' && i + 1 < s.size() && s[i + 1] == '{') {
      const size_t end = s.find('}', i);
      REQUIRE(end != std::string_view::npos);
      const auto cp = static_cast<char32_t>(std::stoul(std::string(s.substr(i + 2, end - i - 2)), nullptr, 16));
      append_utf8(cp, out);
      i = end;
    } else {
      out.push_back(n);
    }
  }
  return out;
}

struct Case {
  std::string escaped, text;
  std::vector<int32_t> ids;
};

std::vector<Case> read_expected(const std::string& name) {
  std::ifstream f(kFixtureDir + "/" + name + ".expected.tsv", std::ios::binary);
  REQUIRE(f.good());
  std::vector<Case> out;
  std::string line;
  while (std::getline(f, line)) {
    if (line.starts_with("#")) continue;
    const size_t tab = line.rfind('\t');
    REQUIRE(tab != std::string::npos);
    Case c{line.substr(0, tab), unescape(line.substr(0, tab)), {}};
    std::istringstream ids(line.substr(tab + 1));
    for (int32_t id; ids >> id;) c.ids.push_back(id);
    out.push_back(std::move(c));
  }
  return out;
}

std::unique_ptr<Tokenizer> load(const std::string& dir, size_t max_length = 512) {
  auto t = load_tokenizer(dir, max_length);
  INFO(t.status().message());
  REQUIRE(t.has_value());
  return std::move(*t);
}

// Encodes every sentence of NAME.expected.tsv and compares; returns how many matched.
size_t check_against(const Tokenizer& tok, const std::string& name) {
  const auto cases = read_expected(name);
  REQUIRE(cases.size() >= 40);
  size_t matched = 0;
  for (const Case& c : cases) {
    std::vector<int32_t> ids;
    REQUIRE(tok.encode(c.text, ids).is_ok());
    CAPTURE(c.escaped);
    CHECK(ids == c.ids);
    matched += ids == c.ids;
  }
  MESSAGE(name << " via " << tok.description() << ": " << matched << "/" << cases.size() << " sentences match");
  return matched;
}

// The fixtures, with their special tokens: how many come before and after the text, and the
// sequence of an empty text (ids from the line numbers of vocab.txt, fairseq's <s> 0 and </s> 2,
// SentencePiece's <s> 1 and </s> 2). `blank_is_empty`: white space alone gives no tokens, except
// in unigram_plain, whose Metaspace turns each space into a token.
struct Fixture {
  std::string name;
  size_t prefix, suffix;
  std::vector<int32_t> empty;
  bool blank_is_empty;
};
const Fixture kFixtures[] = {
    {"wordpiece_uncased", 1, 1, {2, 3}, true},
    {"wordpiece_cased", 1, 1, {2, 3}, true},
    {"wordpiece_mix", 3, 1, {2, 4, 4, 3}, true},
    {"unigram_xlmr", 1, 1, {0, 2}, true},
    {"unigram_plain", 1, 1, {1, 2}, false},
    {"unigram_mix", 1, 2, {1, 2, 2}, true},
    {"xlmr_spm", 1, 1, {0, 2}, true},
};
const std::vector<std::string> kFixtureNames = [] {
  std::vector<std::string> v;
  for (const Fixture& f : kFixtures) v.push_back(f.name);
  return v;
}();

TEST_CASE("fixture tokenizers reproduce the reference ids sentence by sentence") {
  for (const std::string& name : kFixtureNames) {
    CAPTURE(name);
    const auto tok = load(kFixtureDir + "/" + name);
    const auto cases = read_expected(name);
    CHECK(check_against(*tok, name) == cases.size());
  }
}

TEST_CASE("vocab.txt alone gives the ids of the equivalent tokenizer.json") {
  // The same vocabulary with each tokenizer_config.json, without tokenizer.json: transformers'
  // BertTokenizerFast built from these settings is the tokenizer.json the fixtures hold.
  for (const std::string name : {"wordpiece_uncased", "wordpiece_cased"}) {
    CAPTURE(name);
    testing::TempDir dir;
    std::filesystem::copy_file(kFixtureDir + "/wordpiece_uncased/vocab.txt", dir.file("vocab.txt"));
    std::filesystem::copy_file(kFixtureDir + "/" + name + "/tokenizer_config.json", dir.file("tokenizer_config.json"));
    const auto tok = load(dir.path());
    CHECK(tok->description() == "vocab.txt (WordPiece)");
    CHECK(check_against(*tok, name) == read_expected(name).size());
  }
}

TEST_CASE("truncation keeps the special tokens and cuts the text at the end") {
  // Reference: the full reference sequence with its text tokens cut to what max_length leaves,
  // which is what tokenizers' truncation does when special tokens are added.
  for (const Fixture& f : kFixtures) {
    CAPTURE(f.name);
    const auto cases = read_expected(f.name);
    const size_t specials = f.prefix + f.suffix;
    for (size_t max_length : {specials + 1, specials + 2, specials + 5, size_t{16}}) {
      CAPTURE(max_length);
      const auto tok = load(kFixtureDir + "/" + f.name, max_length);
      CHECK(tok->max_length() == max_length);
      for (const Case& c : cases) {
        REQUIRE(c.ids.size() >= specials);
        std::vector<int32_t> want = c.ids;
        if (want.size() > max_length) {
          want.assign(c.ids.begin(), c.ids.begin() + static_cast<std::ptrdiff_t>(max_length - f.suffix));
          want.insert(want.end(), c.ids.end() - static_cast<std::ptrdiff_t>(f.suffix), c.ids.end());
        }
        std::vector<int32_t> ids;
        REQUIRE(tok->encode(c.text, ids).is_ok());
        CAPTURE(c.escaped);
        CHECK(ids == want);
      }
    }
  }
}

TEST_CASE("empty input gives just the special tokens") {
  for (const Fixture& f : kFixtures) {
    CAPTURE(f.name);
    const auto tok = load(kFixtureDir + "/" + f.name);
    std::vector<int32_t> ids{99};
    REQUIRE(tok->encode("", ids).is_ok());
    CHECK(ids == f.empty);
    REQUIRE(tok->encode(" \t\n \u3000", ids).is_ok());
    CHECK((ids == f.empty) == f.blank_is_empty);
  }
}

TEST_CASE("vocab_size and pad_id") {
  size_t lines = 0;
  {
    std::ifstream f(kFixtureDir + "/wordpiece_uncased/vocab.txt");
    for (std::string l; std::getline(f, l);) ++lines;
  }
  const auto wp = load(kFixtureDir + "/wordpiece_uncased");
  CHECK(wp->vocab_size() == lines);
  CHECK(wp->pad_id() == 0);  // [PAD] is line 0
  const auto xl = load(kFixtureDir + "/unigram_xlmr");
  CHECK(xl->pad_id() == 1);
  CHECK(xl->vocab_size() == 602);  // the 602 entries of model.vocab, <mask> last
  const auto spm = load(kFixtureDir + "/xlmr_spm");
  CHECK(spm->pad_id() == 1);
  CHECK(spm->vocab_size() == 802);  // 800 pieces (spm_train --vocab_size=800), shifted by one, + <mask>
  // Every id of the references is below vocab_size.
  for (const std::string& name : kFixtureNames) {
    CAPTURE(name);
    const auto tok = load(kFixtureDir + "/" + name);
    for (const Case& c : read_expected(name)) {
      for (int32_t id : c.ids) CHECK(static_cast<size_t>(id) < tok->vocab_size());
    }
  }
}

TEST_CASE("encode is safe from many threads at once") {
  for (const std::string& name : kFixtureNames) {
    CAPTURE(name);
    const auto tok = load(kFixtureDir + "/" + name);
    const auto cases = read_expected(name);
    std::vector<size_t> bad(4, 0);
    std::vector<std::thread> threads;
    for (size_t t = 0; t < bad.size(); ++t) {
      threads.emplace_back([&, t] {
        std::vector<int32_t> ids;
        for (int round = 0; round < 20; ++round) {
          for (const Case& c : cases) {
            if (!tok->encode(c.text, ids).is_ok() || ids != c.ids) ++bad[t];
          }
        }
      });
    }
    for (auto& th : threads) th.join();
    for (size_t b : bad) CHECK(b == 0);
  }
}

TEST_CASE("encode rejects invalid UTF-8") {
  for (const std::string& name : kFixtureNames) {
    CAPTURE(name);
    const auto tok = load(kFixtureDir + "/" + name);
    std::vector<int32_t> ids{1, 2};
    const Status st = tok->encode("abc\xC3(", ids);
    CHECK(st.code() == StatusCode::kDataError);
    CHECK(st.message() == "invalid UTF-8 at byte 3");
    CHECK(ids.empty());
  }
}

// Writes tokenizer.json into a fresh directory and returns load_tokenizer's status.
Status load_json(const testing::TempDir& dir, const std::string& json, size_t max_length = 16) {
  testing::write_file(dir.file("tokenizer.json"), json);
  return load_tokenizer(dir.path(), max_length).status();
}

const std::string kModel =
    R"("model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"[UNK]": 0, "[CLS]": 1, "[SEP]": 2, "a": 3}})";

TEST_CASE("load errors name the file and the unsupported component") {
  testing::TempDir dir;
  const std::string path = dir.file("tokenizer.json");
  struct Row {
    std::string json;
    StatusCode code;
    std::string message;
  };
  const Row rows[] = {
      {"{\"model\": ", StatusCode::kDataError, path + ": malformed JSON"},
      {"[1, 2]", StatusCode::kDataError, path + ": expected a JSON object"},
      {"{}", StatusCode::kDataError, path + ": model: missing"},
      {R"({"model": {"type": "BPE", "vocab": {}, "merges": []}})", StatusCode::kDataError,
       path + ": model: unsupported model type 'BPE' (supported: WordPiece, Unigram)"},
      {R"({"model": {"vocab": {"a": 0}, "merges": []}})", StatusCode::kDataError,
       path + ": model: unsupported model type 'BPE' (supported: WordPiece, Unigram)"},
      {R"({"model": {"type": "WordPiece", "unk_token": "[UNK]", "vocab": {"a": 0}}})", StatusCode::kDataError,
       path + ": model: WordPiece unk_token '[UNK]' is not in the vocabulary"},
      {R"({"model": {"type": "WordPiece", "vocab": {"a": "x"}}})", StatusCode::kDataError,
       path + ": model.vocab['a']: expected an id"},
      {R"({"model": {"type": "Unigram", "unk_id": 5, "vocab": [["a", -1.0]]}})", StatusCode::kDataError,
       path + ": model: Unigram unk_id 5 is outside the vocabulary of 1"},
      {R"({"model": {"type": "Unigram", "vocab": [["a", -1.0]]}})", StatusCode::kDataError,
       path + ": model.unk_id: a Unigram model without unk_id is not supported"},
      {R"({"model": {"type": "Unigram", "unk_id": 0, "vocab": [["a"]]}})", StatusCode::kDataError,
       path + ": model.vocab[0]: expected [string, number]"},
      {"{" + kModel +
           R"(, "normalizer": {"type": "Sequence", "normalizers": [{"type": "NFC"}, {"type": "ByteLevel"}]}})",
       StatusCode::kDataError,
       path + ": normalizer.normalizers[1]: unsupported normalizer type 'ByteLevel' (supported: BertNormalizer, "
              "Precompiled, NFC, NFD, NFKC, NFKD, Lowercase, StripAccents, Strip, Prepend, Replace, Sequence)"},
      {"{" + kModel + R"(, "normalizer": {"type": "Replace", "pattern": {"Regex": "\\s+"}, "content": " "}})",
       StatusCode::kDataError,
       path + ": normalizer.pattern: unsupported Replace regex '\\s+' (supported: a literal, or one character "
              "followed by + or {n,})"},
      {"{" + kModel + R"(, "normalizer": {"type": "Precompiled", "precompiled_charsmap": "AAAA"}})",
       StatusCode::kDataError, path + ": normalizer.precompiled_charsmap: too short (3 bytes)"},
      {"{" + kModel + R"(, "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false}})", StatusCode::kDataError,
       path + ": pre_tokenizer: unsupported pre_tokenizer type 'ByteLevel' (supported: BertPreTokenizer, "
              "WhitespaceSplit, Metaspace, Sequence)"},
      {"{" + kModel + R"(, "pre_tokenizer": {"type": "Metaspace", "replacement": "ab"}})", StatusCode::kDataError,
       path + ": pre_tokenizer.replacement: expected one character"},
      {"{" + kModel + R"(, "post_processor": {"type": "ByteLevel"}})", StatusCode::kDataError,
       path + ": post_processor: unsupported post_processor type 'ByteLevel' (supported: TemplateProcessing, "
              "BertProcessing, RobertaProcessing)"},
      {"{" + kModel + R"(, "post_processor": {"type": "TemplateProcessing", "single": [{"SpecialToken": {"id": "X"}},
          {"Sequence": {"id": "A"}}], "special_tokens": {}}})",
       StatusCode::kDataError, path + ": post_processor.special_tokens: no ids for special token 'X'"},
      {"{" + kModel + R"(, "added_tokens": [{"id": -1, "content": "x"}]})", StatusCode::kDataError,
       path + ": added_tokens[0].id: id -1 out of range"},
      {"{" + kModel + R"(, "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 2], "cls": ["[CLS]", 1]}})",
       StatusCode::kOk, ""},
  };
  for (const Row& r : rows) {
    CAPTURE(r.json);
    const Status st = load_json(dir, r.json);
    CHECK(st.code() == r.code);
    CHECK(st.message() == r.message);
  }
}

TEST_CASE("max_length must leave room for text") {
  testing::TempDir dir;
  const std::string json =
      "{" + kModel + R"(, "post_processor": {"type": "BertProcessing", "sep": ["[SEP]", 2], "cls": ["[CLS]", 1]}})";
  const Status st = load_json(dir, json, 2);
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK(st.message() ==
        dir.file("tokenizer.json") + ": max_length 2 leaves no room for text next to the 2 special tokens");
  CHECK(load_json(dir, json, 3).is_ok());

  testing::TempDir spm;
  std::filesystem::copy_file(kFixtureDir + "/xlmr_spm/sentencepiece.bpe.model", spm.file("sentencepiece.bpe.model"));
  CHECK(load_tokenizer(spm.path(), 2).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("missing directories and files, corrupt models and configs") {
  testing::TempDir dir;
  auto st = load_tokenizer(dir.file("nope"), 16).status();
  CHECK(st.code() == StatusCode::kNotFound);
  CHECK(st.message() == dir.file("nope") + ": no such directory");

  st = load_tokenizer(dir.path(), 16).status();
  CHECK(st.code() == StatusCode::kNotFound);
  CHECK(st.message() == dir.path() + ": no tokenizer.json, sentencepiece.bpe.model or vocab.txt");

  testing::write_file(dir.file("sentencepiece.bpe.model"), "not a model");
  st = load_tokenizer(dir.path(), 16).status();
  CHECK(st.code() == StatusCode::kDataError);
  CHECK(st.message().starts_with(dir.file("sentencepiece.bpe.model") + ": not a SentencePiece model"));
  std::filesystem::remove(dir.file("sentencepiece.bpe.model"));

  testing::write_file(dir.file("vocab.txt"), "[UNK]\n[CLS]\n[SEP]\nab\xFF\n");
  st = load_tokenizer(dir.path(), 16).status();
  CHECK(st.code() == StatusCode::kDataError);
  CHECK(st.message() == dir.file("vocab.txt") + ": invalid UTF-8 at byte 20");

  testing::write_file(dir.file("vocab.txt"), "[UNK]\n[SEP]\nab\n");
  st = load_tokenizer(dir.path(), 16).status();
  CHECK(st.message() == dir.file("vocab.txt") + ": cls_token '[CLS]' is not in the vocabulary");

  testing::write_file(dir.file("vocab.txt"), "[UNK]\n[CLS]\n[SEP]\nab\n");
  testing::write_file(dir.file("tokenizer_config.json"), R"({"do_basic_tokenize": false})");
  st = load_tokenizer(dir.path(), 16).status();
  CHECK(st.code() == StatusCode::kDataError);
  CHECK(st.message() == dir.file("vocab.txt") + ": tokenizer_config.json: do_basic_tokenize false is not supported");

  testing::write_file(dir.file("tokenizer_config.json"), R"({"do_lower_case": "yes"})");
  st = load_tokenizer(dir.path(), 16).status();
  CHECK(st.message() == dir.file("vocab.txt") + ": tokenizer_config.json: do_lower_case: expected true, false or null");

  testing::write_file(dir.file("tokenizer_config.json"), "{");
  st = load_tokenizer(dir.path(), 16).status();
  CHECK(st.message() == dir.file("tokenizer_config.json") + ": malformed JSON");
}

TEST_CASE("vocab.txt with CRLF line ends and custom special tokens") {
  testing::TempDir dir;
  testing::write_file(dir.file("vocab.txt"), "<unk>\r\n<cls>\r\n<sep>\r\n<pad>\r\nhello\r\n##s\r\n,\r\n");
  testing::write_file(dir.file("tokenizer_config.json"),
                      R"({"unk_token": "<unk>", "cls_token": {"content": "<cls>"}, "sep_token": "<sep>",
                          "pad_token": "<pad>", "do_lower_case": true})");
  const auto tok = load(dir.path(), 16);
  std::vector<int32_t> ids;
  REQUIRE(tok->encode("Hellos, <sep>HELLO world", ids).is_ok());
  // hello ##s , <sep> hello [world is unknown]
  CHECK(ids == std::vector<int32_t>{1, 4, 5, 6, 2, 4, 0, 2});
  CHECK(tok->pad_id() == 3);
}

}  // namespace
}  // namespace bitmill::text
