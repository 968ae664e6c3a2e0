#include "bitmill/eval/tables.h"

#include <fmt/format.h>

#include <filesystem>

#include "bitmill/eval/metrics.h"

namespace bitmill::eval {

Accuracies accuracies(const RetrievalCounts& c) {
  return Accuracies{percent(c.cos_src2tgt, c.n), percent(c.cos_tgt2src, c.n), percent(c.margin_src2tgt, c.n),
                    percent(c.margin_tgt2src, c.n)};
}

Expected<std::string> tatoeba_label(const std::string& name, const std::string& src_emb, const std::string& tgt_emb) {
  std::string label = name;
  if (label.empty()) {
    label = std::filesystem::path(src_emb).stem().string() + ":" + std::filesystem::path(tgt_emb).stem().string();
  }
  if (label.find_first_of("\t\n\r") != std::string::npos) {
    return invalid_argument("--name must not contain a tab or a line break");
  }
  return label;
}

std::string tatoeba_row(const std::string& label, const RetrievalCounts& c) {
  const Accuracies a = accuracies(c);
  return fmt::format("{}\t{}\t{:.2f}\t{:.2f}\t{:.2f}\t{:.2f}\n", label, c.n, a.src2tgt_cos, a.tgt2src_cos,
                     a.src2tgt_margin, a.tgt2src_margin);
}

namespace {

std::string prf_row(const char* set, const std::string& threshold, const Prf& p) {
  return fmt::format("{}\t{}\t{:.2f}\t{:.2f}\t{:.2f}\t{}\n", set, threshold, p.precision(), p.recall(), p.f1(),
                     p.pairs);
}

}  // namespace

std::string bucc_rows(const BuccResult& r, std::optional<double> threshold) {
  const std::string t = threshold ? fmt::format("{}", *threshold) : "-";
  std::string rows = prf_row("at_threshold", t, r.at_threshold);
  rows += r.best ? prf_row("best", fmt::format("{}", r.best->strict), r.best->prf)
                 : prf_row("best", "-", Prf{0, 0, r.gold});
  return rows;
}

}  // namespace bitmill::eval
