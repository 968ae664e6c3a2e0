// TSV readers: bitmill-filter's bitext rows (every bitext rule, CLD2 language ID, kept and
// rejected outputs), bitmill-eval's mined and gold files (eval/bucc.h) and bitmill-dedup's key
// columns (dedup/key.h), all on the same bytes. Byte 0 chooses the invalid-UTF-8 policy and the
// options (all reasons, annotation); the rest is the file.
#include <memory>
#include <string>

#include "bitmill/dedup/key.h"
#include "bitmill/eval/bucc.h"
#include "bitmill/text/utf8.h"
#include "filter_run_util.h"

using namespace bitmill;

namespace {

const filter::FilterJob& job(bool all_reasons, bool annotate) {
  static std::unique_ptr<filter::FilterJob> jobs[4];
  auto& j = jobs[all_reasons * 2 + annotate];
  if (!j) {
    filter::FilterJobOptions o;
    o.src_lang = "de";
    o.tgt_lang = "en";
    o.lid = "cld2";
    o.all_reasons = all_reasons;
    o.annotate = annotate;
    j = fuzz::make_filter_job(o);
  }
  return *j;
}

void check_bucc(const std::string& path, std::string_view text) {
  auto mined = eval::read_mined(path);
  auto gold = eval::read_gold(path);
  if (!mined) FUZZ_CHECK_NAMES(mined.status().message(), path);
  if (!gold) FUZZ_CHECK_NAMES(gold.status().message(), path);
  if (gold) {
    for (size_t i = 0; i < gold->size(); ++i) {
      FUZZ_CHECK((*gold)[i].first >= 0 && (*gold)[i].second >= 0);
      if (i > 0) FUZZ_CHECK((*gold)[i - 1] < (*gold)[i]);
    }
  }
  if (mined && gold && !gold->empty()) (void)eval::judge(*mined, *gold);
  // The line parsers on each line as well (read_* stop at the first bad one).
  while (!text.empty()) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    eval::MinedPair m;
    eval::LinePair g;
    (void)eval::parse_mined_line(line, m);
    (void)eval::parse_gold_line(line, g);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

void check_dedup_keys(std::string_view text) {
  static const dedup::KeyExtractor extractors[] = {{dedup::KeyField::kSrc, {}},
                                                   {dedup::KeyField::kTgt, {NormalForm::kCasefold, false}},
                                                   {dedup::KeyField::kPair, {NormalForm::kNfkcCasefold, true}}};
  std::string buf;
  std::string_view key;
  for (const auto& x : extractors) {
    for (std::string_view rest = text; !rest.empty();) {
      const size_t nl = rest.find('\n');
      const std::string_view line = rest.substr(0, nl);
      rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
      // Normalised keys need valid UTF-8, which the line reader guarantees.
      if (x.field() != dedup::KeyField::kSrc && !is_valid_utf8(line)) continue;
      const bool has_tab = line.find('\t') != std::string_view::npos;
      FUZZ_CHECK(x.extract(line, buf, key) == (has_tab || x.field() == dedup::KeyField::kSrc));
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const InvalidUtf8Policy policy = static_cast<InvalidUtf8Policy>(data[0] % 3);
  const bool all_reasons = data[0] & 4, annotate = data[0] & 8;
  const std::string_view text = fuzz::as_view(data + 1, size - 1);
  const std::string path = fuzz::write_file("rows.tsv", text);
  fuzz::run_filter_over(path, job(all_reasons, annotate).options(), policy);
  check_bucc(path, text);
  check_dedup_keys(text);
  return 0;
}
