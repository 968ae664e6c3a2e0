#include "bitmill/eval/bucc.h"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cmath>

#include "bitmill/io/line_reader.h"

namespace bitmill::eval {
namespace {

// Splits off the first `n` tab-separated fields; false when the line has fewer.
bool first_fields(std::string_view line, size_t n, std::vector<std::string_view>& out) {
  out.clear();
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  while (out.size() < n) {
    const size_t tab = line.find('\t');
    out.push_back(line.substr(0, tab));
    if (tab == std::string_view::npos) {
      line = {};
      break;
    }
    line.remove_prefix(tab + 1);
  }
  return out.size() == n;
}

std::string columns(size_t n) { return n == 1 ? "1 column" : fmt::format("{} columns", n); }

std::string show(std::string_view field) {
  constexpr size_t kMax = 40;
  if (field.size() <= kMax) return std::string(field);
  return std::string(field.substr(0, kMax)) + "...";
}

Status parse_line_number(std::string_view field, size_t column, int64_t& out) {
  const char* end = field.data() + field.size();
  const auto r = std::from_chars(field.data(), end, out);
  if (field.empty() || r.ec != std::errc() || r.ptr != end || out < 0) {
    return data_error(fmt::format("column {}: '{}' is not a line number (a 0-based integer)", column, show(field)));
  }
  return Status::ok();
}

Status parse_score(std::string_view field, double& out) {
  const char* end = field.data() + field.size();
  const auto r = std::from_chars(field.data(), end, out);
  if (field.empty() || r.ec != std::errc() || r.ptr != end || std::isnan(out)) {
    return data_error(fmt::format("column 1: '{}' is not a score", show(field)));
  }
  return Status::ok();
}

// Reads every line of `path` through `parse`, prefixing errors with "path:line".
template <typename T, typename Parse>
Expected<std::vector<T>> read_rows(const std::string& path, InvalidUtf8Policy policy, Parse parse) {
  BITMILL_ASSIGN_OR_RETURN(auto reader, LineReader::open(path, policy));
  std::vector<T> rows;
  Line line;
  while (true) {
    BITMILL_ASSIGN_OR_RETURN(bool more, reader->next(line));
    if (!more) break;
    T row;
    BITMILL_RETURN_IF_ERROR(parse(line.text, row).with_prefix(fmt::format("{}:{}", reader->name(), line.number)));
    rows.push_back(row);
  }
  return rows;
}

}  // namespace

Status parse_mined_line(std::string_view line, MinedPair& out) {
  std::vector<std::string_view> f;
  if (!first_fields(line, 3, f)) {
    return data_error(fmt::format("expected score<TAB>src_line<TAB>tgt_line (bitmill-mine --ids output), found {}",
                                  columns(f.size())));
  }
  BITMILL_RETURN_IF_ERROR(parse_score(f[0], out.score));
  Status s = parse_line_number(f[1], 2, out.lines.first);
  if (s.is_ok()) s = parse_line_number(f[2], 3, out.lines.second);
  if (!s.is_ok()) return Status(s.code(), s.message() + " (bitmill-mine writes line numbers with --ids)");
  return Status::ok();
}

Status parse_gold_line(std::string_view line, LinePair& out) {
  std::vector<std::string_view> f;
  if (!first_fields(line, 2, f)) {
    return data_error(fmt::format("expected src_line<TAB>tgt_line, found {}", columns(f.size())));
  }
  BITMILL_RETURN_IF_ERROR(parse_line_number(f[0], 1, out.first));
  return parse_line_number(f[1], 2, out.second);
}

Expected<std::vector<MinedPair>> read_mined(const std::string& path) {
  // Only the first three columns are parsed; the sentences after them may hold any bytes.
  return read_rows<MinedPair>(path, InvalidUtf8Policy::kReplace, parse_mined_line);
}

Expected<std::vector<LinePair>> read_gold(const std::string& path) {
  BITMILL_ASSIGN_OR_RETURN(auto rows, read_rows<LinePair>(path, InvalidUtf8Policy::kFail, parse_gold_line));
  std::sort(rows.begin(), rows.end());
  rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
  return rows;
}

std::vector<Judged> judge(std::vector<MinedPair> mined, const std::vector<LinePair>& gold) {
  std::sort(mined.begin(), mined.end(), [](const MinedPair& a, const MinedPair& b) {
    if (a.lines != b.lines) return a.lines < b.lines;
    return a.score > b.score;
  });
  std::vector<Judged> out;
  out.reserve(mined.size());
  for (size_t i = 0; i < mined.size(); ++i) {
    if (i > 0 && mined[i].lines == mined[i - 1].lines) continue;  // a repeat, at a lower score
    out.push_back(Judged{mined[i].score, std::binary_search(gold.begin(), gold.end(), mined[i].lines)});
  }
  return out;
}

Expected<BuccResult> evaluate_bucc(const std::string& mined_path, const std::string& gold_path,
                                   std::optional<double> threshold) {
  BITMILL_ASSIGN_OR_RETURN(std::vector<LinePair> gold, read_gold(gold_path));
  if (gold.empty()) return data_error(gold_path + ": no gold pairs");
  BITMILL_ASSIGN_OR_RETURN(std::vector<MinedPair> mined, read_mined(mined_path));
  BuccResult r;
  r.mined_rows = mined.size();
  r.gold = gold.size();
  const std::vector<Judged> judged = judge(std::move(mined), gold);
  r.distinct = judged.size();
  r.at_threshold = at_threshold(judged, r.gold, threshold);
  r.best = best_threshold(judged, r.gold);
  return r;
}

}  // namespace bitmill::eval
