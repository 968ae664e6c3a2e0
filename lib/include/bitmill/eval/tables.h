// The TSV tables bitmill-eval writes (one header line, unless omitted, then the rows).
//
// tatoeba: label, n, then the four retrieval accuracies in % with two decimals, cosine and ratio
//   margin each way: "label\tn\tacc_src2tgt_cos\tacc_tgt2src_cos\tacc_src2tgt_margin\t
//   acc_tgt2src_margin". The label defaults to "SRC:TGT", the embedding files' names without their
//   extension; a label holding a tab or a line break is refused (invalid argument: "--name must not
//   contain a tab or a line break").
// bucc: two rows, "at_threshold" (pairs scored above --threshold, written as given, or "-" for all)
//   and "best" (the cut that maximises F1, written as the shortest strict --threshold; "-" with
//   zero precision and recall when nothing was mined): "set\tthreshold\tprecision\trecall\tf1\tpairs",
//   precision, recall and F1 in % with two decimals.
//
// Thread safety: pure functions.
#pragma once

#include <optional>
#include <string>

#include "bitmill/base/status.h"
#include "bitmill/eval/bucc.h"
#include "bitmill/eval/tatoeba.h"

namespace bitmill::eval {

inline constexpr const char* kTatoebaHeader =
    "label\tn\tacc_src2tgt_cos\tacc_tgt2src_cos\tacc_src2tgt_margin\tacc_tgt2src_margin";
inline constexpr const char* kBuccHeader = "set\tthreshold\tprecision\trecall\tf1\tpairs";

// The retrieval accuracies of a Tatoeba run, in %.
struct Accuracies {
  double src2tgt_cos = 0, tgt2src_cos = 0, src2tgt_margin = 0, tgt2src_margin = 0;
};
Accuracies accuracies(const RetrievalCounts& c);

// `name`, else "SRC:TGT" from the two embedding paths.
Expected<std::string> tatoeba_label(const std::string& name, const std::string& src_emb, const std::string& tgt_emb);

std::string tatoeba_row(const std::string& label, const RetrievalCounts& c);

std::string bucc_rows(const BuccResult& r, std::optional<double> threshold);

}  // namespace bitmill::eval
