// FastTextPredictor against libfasttext itself (FastText::predictLine), the independent
// reference: the same labels in the same order and the same probabilities, on lid.176 and on
// small models trained here for the other layouts (dense matrices, softmax, word n-grams,
// quantized with pruned buckets, quantized norms and a quantized output).
#include "filter/fasttext_predictor.h"

#include <doctest/doctest.h>
#include <fasttext/fasttext.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "testing/test_util.h"

namespace bitmill::filter {
namespace {

// Lines of several languages and the shapes that stress the tokenizer: empty, blank, labels in
// the text, tabs and carriage returns, NUL, digits only, emoji, invalid UTF-8, long lines.
std::vector<std::string> test_lines() {
  std::vector<std::string> lines = {
      "Das ist ein schönes Haus.",
      "This is a beautiful house with a big garden.",
      "Ceci est une maison.",
      "Это мой красивый дом.",
      "私は日本語を話します。",
      "ฉันชอบกินอาหารไทยที่ร้านใกล้บ้านทุกวันเสาร์",
      "Hakuna matata.",
      "Rook u?",
      "ذهبت إلى السوق صباح اليوم",
      "",
      "   ",
      "__label__de hallo welt",
      "hallo\twelt\rwie\vgeht\fes",
      std::string("null\0byte inside", 16),
      "12345 678",
      "\xf0\x9f\x98\x80 \xf0\x9f\x98\x80",
      "bad \xff\xfe utf8 \xc3",
      "x",
  };
  std::string long_line;
  for (int i = 0; i < 300; ++i) long_line += "word" + std::to_string(i % 37) + " ";
  lines.push_back(long_line);
  return lines;
}

// libfasttext's answer for one line (probabilities, best first): predictLine reads up to the
// newline.
std::vector<std::pair<float, std::string>> reference(const fasttext::FastText& ft, const std::string& text, int k) {
  std::string line = text;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  line.push_back('\n');
  std::istringstream in(line);
  std::vector<std::pair<fasttext::real, std::string>> pred;
  ft.predictLine(in, pred, k, 0.0f);
  std::vector<std::pair<float, std::string>> out;
  for (const auto& [p, l] : pred) out.emplace_back(p, l);  // probabilities (predictLine takes exp)
  return out;
}

void compare_on(const std::string& model_path, const std::vector<std::string>& lines, int k) {
  fasttext::FastText ft;
  ft.loadModel(model_path);
  std::string why;
  auto fast = FastTextPredictor::load(model_path, &why);
  REQUIRE(fast.has_value());
  REQUIRE_MESSAGE(*fast != nullptr, why);
  FastTextPredictor::Scratch scratch;
  std::vector<FastTextPredictor::Prediction> got;
  const auto eos = ft.getDictionary()->getId(fasttext::Dictionary::EOS);
  int compared = 0;
  for (const std::string& text : lines) {
    CAPTURE(text);
    (*fast)->predict(text, k, scratch, got);
    auto want = reference(ft, text, k);
    // libfasttext answers its label prior on a line with no known word or n-gram; the predictor
    // answers nothing (FastTextPredictor::predict). Tell the two apart by the line's input ids.
    std::string line = text + "\n";
    std::istringstream in(line);
    std::vector<int32_t> words, labels;
    ft.getDictionary()->getLine(in, words, labels);
    if (words.empty() || (words.size() == 1 && words[0] == eos)) {
      CHECK(got.empty());
      continue;
    }
    REQUIRE(got.size() == want.size());
    for (size_t i = 0; i < got.size(); ++i) {
      CHECK(std::abs(std::exp(got[i].first) - want[i].first) < 1e-4);
      // The same label, unless two labels tie to float rounding.
      const std::string& label = (*fast)->labels()[static_cast<size_t>(got[i].second)];
      if (label != want[i].second) CHECK(std::abs(std::exp(got[i].first) - want[i].first) < 1e-6);
    }
    ++compared;
  }
  CHECK(compared > 0);
}

TEST_CASE("fastText predictor: lid.176 answers as libfasttext does") {
  if (!std::filesystem::exists(BITMILL_LID_MODEL_PATH)) {
    FAIL_CHECK("no " BITMILL_LID_MODEL_PATH " (run scripts/install-lid-model.sh and re-run cmake)");
    return;
  }
  std::vector<std::string> lines = test_lines();
  // And a few hundred real sentences of the sample corpus, both columns.
  std::ifstream sample(BITMILL_SOURCE_DIR "/data/samples/deu-eng.tsv");
  std::string row;
  for (int i = 0; i < 300 && std::getline(sample, row); ++i) {
    const size_t tab = row.find('\t');
    lines.push_back(row.substr(0, tab));
    if (tab != std::string::npos) lines.push_back(row.substr(tab + 1));
  }
  compare_on(BITMILL_LID_MODEL_PATH, lines, 5);
  compare_on(BITMILL_LID_MODEL_PATH, lines, 1);
}

// A tiny supervised corpus: three "languages" of made-up words, enough for every layout.
std::string write_corpus(const testing::TempDir& dir) {
  const std::string path = dir.file("train.txt");
  std::ofstream out(path);
  const char* words[3][6] = {{"alpha", "beta", "gamma", "delta", "omega", "sigma"},
                             {"uno", "dos", "tres", "cuatro", "cinco", "seis"},
                             {"eins", "zwei", "drei", "vier", "fünf", "sechs"}};
  const char* labels[3] = {"__label__aa", "__label__bb", "__label__cc"};
  for (int i = 0; i < 600; ++i) {
    const int l = i % 3;
    out << labels[l];
    for (int w = 0; w < 5; ++w) out << ' ' << words[l][(i * 7 + w * 3) % 6];
    if (i % 5 == 0) out << ' ' << words[(l + 1) % 3][i % 6];  // some noise
    out << '\n';
  }
  return path;
}

fasttext::Args small_args(const std::string& input, fasttext::loss_name loss) {
  fasttext::Args a;
  a.input = input;
  a.model = fasttext::model_name::sup;
  a.loss = loss;
  a.dim = 8;
  a.epoch = 5;
  a.minCount = 1;
  a.wordNgrams = 2;
  a.minn = 2;
  a.maxn = 4;
  a.bucket = 5000;
  a.thread = 1;
  a.verbose = 0;
  a.seed = 1;
  return a;
}

const std::vector<std::string> kSmallLines = {
    "alpha beta gamma",
    "uno dos tres",
    "eins zwei drei",
    "alphabet betas",
    "unos dosis",
    "einsam zweite",
    "alpha uno eins",
    "",
    "zzz",
    "fünf sechs fünf",
    "__label__aa alpha",
    "omega\tsigma\rdelta",
};

TEST_CASE("fastText predictor: dense models with hs and softmax losses and word n-grams") {
  testing::TempDir dir;
  const std::string corpus = write_corpus(dir);
  for (auto loss : {fasttext::loss_name::hs, fasttext::loss_name::softmax}) {
    CAPTURE(static_cast<int>(loss));
    fasttext::FastText ft;
    ft.train(small_args(corpus, loss));
    const std::string path = dir.file("model.bin");
    ft.saveModel(path);
    compare_on(path, kSmallLines, 3);
    compare_on(path, kSmallLines, 1);
  }
}

TEST_CASE("fastText predictor: quantized models, pruned buckets, quantized norms") {
  testing::TempDir dir;
  const std::string corpus = write_corpus(dir);
  fasttext::FastText ft;
  fasttext::Args a = small_args(corpus, fasttext::loss_name::hs);
  ft.train(a);
  a.qnorm = true;
  a.qout = false;  // product quantization needs 256 rows, and there are 3 labels
  a.cutoff = 300;  // keeps 300 input rows: the pruned-bucket map
  a.dsub = 2;
  a.retrain = false;
  ft.quantize(a);
  const std::string path = dir.file("model.ftz");
  ft.saveModel(path);
  compare_on(path, kSmallLines, 3);
}

TEST_CASE("fastText predictor: a quantized output matrix (260 labels: quantization needs 256 rows)") {
  testing::TempDir dir;
  const std::string corpus = dir.file("many.txt");
  {
    std::ofstream out(corpus);
    for (int i = 0; i < 1040; ++i) {
      const int l = i % 260;
      out << "__label__l" << l << " w" << l << "a w" << l << "b x" << (l % 7) << '\n';
    }
  }
  fasttext::FastText ft;
  fasttext::Args a = small_args(corpus, fasttext::loss_name::hs);
  a.epoch = 2;
  ft.train(a);
  a.qnorm = true;
  a.qout = true;
  a.cutoff = 300;
  a.dsub = 2;
  a.retrain = false;
  ft.quantize(a);
  ft.saveModel(dir.file("many.ftz"));
  compare_on(dir.file("many.ftz"), {"w5a w5b x5", "w100a", "x3 x4", "w259b w0a", "nothing here", ""}, 5);
}

TEST_CASE("fastText predictor: a loss it does not implement is declined, not guessed") {
  testing::TempDir dir;
  const std::string corpus = write_corpus(dir);
  fasttext::FastText ft;
  ft.train(small_args(corpus, fasttext::loss_name::ova));
  ft.saveModel(dir.file("ova.bin"));
  std::string why;
  auto fast = FastTextPredictor::load(dir.file("ova.bin"), &why);
  REQUIRE(fast.has_value());
  CHECK(*fast == nullptr);
  CHECK(why.find("loss 4") != std::string::npos);
}

}  // namespace
}  // namespace bitmill::filter
