// bitmill-eval: evaluation of sentence embeddings and mined bitext (Tatoeba retrieval accuracy,
// BUCC precision, recall and F1).
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <optional>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/cli/common.h"
#include "bitmill/eval/bucc.h"
#include "bitmill/eval/metrics.h"
#include "bitmill/eval/tatoeba.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/io/output_stream.h"

namespace {

using namespace bitmill;

struct Options {
  cli::CommonOptions common;
  std::string output = "-";
  bool no_header = false;
  // tatoeba
  std::string src_emb, tgt_emb, name;
  size_t dim = 0;  // raw embeddings only
  std::string emb_dtype = "f32";
  size_t k = 4;
  // bucc
  std::string mined, gold;
  std::optional<double> threshold;
};

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

Status write_table(const Options& o, const std::string& header, const std::string& rows) {
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));
  if (!o.no_header) BITMILL_RETURN_IF_ERROR(out->write_line(header));
  BITMILL_RETURN_IF_ERROR(out->write(rows));
  return commit_all({out.get()});
}

Expected<EmbeddingMatrix> open_embeddings(const std::string& path, const Options& o) {
  std::optional<size_t> dim;
  if (o.dim > 0) dim = o.dim;
  if (!path.ends_with(".npy") && !dim)
    return invalid_argument(path + ": raw embeddings need --dim (or use a .npy file)");
  return EmbeddingMatrix::open(path, dim, o.emb_dtype == "f16" ? VecType::kF16 : VecType::kF32);
}

Status run_tatoeba(const Options& o, Log& log) {
  const auto start = std::chrono::steady_clock::now();
  std::string label = o.name;
  if (label.empty()) {
    label = std::filesystem::path(o.src_emb).stem().string() + ":" + std::filesystem::path(o.tgt_emb).stem().string();
  }
  if (label.find_first_of("\t\n\r") != std::string::npos) {
    return invalid_argument("--name must not contain a tab or a line break");
  }
  BITMILL_ASSIGN_OR_RETURN(EmbeddingMatrix x, open_embeddings(o.src_emb, o));
  BITMILL_ASSIGN_OR_RETURN(EmbeddingMatrix y, open_embeddings(o.tgt_emb, o));
  BITMILL_ASSIGN_OR_RETURN(eval::RetrievalCounts c, eval::evaluate_aligned(x, y, o.k));
  const double s2t_cos = eval::percent(c.cos_src2tgt, c.n), t2s_cos = eval::percent(c.cos_tgt2src, c.n);
  const double s2t_mar = eval::percent(c.margin_src2tgt, c.n), t2s_mar = eval::percent(c.margin_tgt2src, c.n);
  BITMILL_RETURN_IF_ERROR(write_table(
      o, "label\tn\tacc_src2tgt_cos\tacc_tgt2src_cos\tacc_src2tgt_margin\tacc_tgt2src_margin",
      fmt::format("{}\t{}\t{:.2f}\t{:.2f}\t{:.2f}\t{:.2f}\n", label, c.n, s2t_cos, t2s_cos, s2t_mar, t2s_mar)));
  log.debug("k-NN both ways over {} x {} rows, dimension {}: {}", c.n, c.n, x.dim(),
            Progress::format_duration(seconds_since(start)));
  log.info(
      "{}: {} aligned pairs, k = {}: accuracy src->tgt {:.2f}% (cosine) {:.2f}% (margin), tgt->src {:.2f}% "
      "(cosine) {:.2f}% (margin)",
      label, Progress::format_count(c.n), c.k, s2t_cos, s2t_mar, t2s_cos, t2s_mar);
  return Status::ok();
}

std::string prf_row(const char* set, const std::string& threshold, const eval::Prf& p) {
  return fmt::format("{}\t{}\t{:.2f}\t{:.2f}\t{:.2f}\t{}\n", set, threshold, p.precision(), p.recall(), p.f1(),
                     p.pairs);
}

Status run_bucc(const Options& o, Log& log) {
  const auto start = std::chrono::steady_clock::now();
  if (o.threshold && std::isnan(*o.threshold)) return invalid_argument("--threshold must be a number, not NaN");
  if (o.mined == "-" && o.gold == "-") return invalid_argument("--mined and --gold cannot both be standard input");
  BITMILL_ASSIGN_OR_RETURN(eval::BuccResult r, eval::evaluate_bucc(o.mined, o.gold, o.threshold));
  const std::string t = o.threshold ? fmt::format("{}", *o.threshold) : "-";
  std::string rows = prf_row("at_threshold", t, r.at_threshold);
  rows += r.best ? prf_row("best", fmt::format("{}", r.best->strict), r.best->prf)
                 : prf_row("best", "-", eval::Prf{0, 0, r.gold});
  BITMILL_RETURN_IF_ERROR(write_table(o, "set\tthreshold\tprecision\trecall\tf1\tpairs", rows));
  log.debug("read and scored in {}", Progress::format_duration(seconds_since(start)));
  if (r.distinct != r.mined_rows) {
    log.info("{} mined rows hold {} distinct pairs (a repeated pair counts once, at its best score)",
             Progress::format_count(r.mined_rows), Progress::format_count(r.distinct));
  }
  const std::string best =
      r.best ? fmt::format("best F1 {:.2f}% at score >= {}, --threshold {} ({})", r.best->prf.f1(), r.best->threshold,
                           r.best->strict, Progress::format_count(r.best->prf.pairs, "pair"))
             : std::string("no best threshold (nothing mined)");
  log.info("{}, {}: F1 {:.2f}% {}; {}", Progress::format_count(r.distinct, "mined pair"),
           Progress::format_count(r.gold, "gold pair"), r.at_threshold.f1(),
           o.threshold ? fmt::format("at score > {}", *o.threshold) : std::string("over all pairs"), best);
  return Status::ok();
}

void add_output_options(CLI::App& app, Options& o) {
  app.add_option("-o,--output", o.output, "Output TSV (default: stdout)")->type_name("OUT.tsv")->group("Output");
  app.add_flag("--no-header", o.no_header, "Omit the header line")->group("Output");
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  Log log("bitmill-eval");
  CLI::App app;
  cli::setup_app(app, "bitmill-eval",
                 "Evaluate sentence embeddings (Tatoeba retrieval accuracy) and mined bitext (BUCC precision,\n"
                 "recall and F1). Run 'bitmill-eval SUBCOMMAND --help' for a subcommand's options.");
  app.require_subcommand(1, 1);

  CLI::App* tatoeba =
      app.add_subcommand("tatoeba", "Retrieval accuracy on aligned embeddings (cosine and ratio margin, both ways)");
  tatoeba->footer(
      "Retrieval accuracy on aligned embeddings: row i of --src-emb and row i of --tgt-emb embed a translation\n"
      "pair. Each row retrieves its nearest row on the other side by cosine, and by the ratio margin among its\n"
      "k nearest (LASER's xsim.py); it is correct when that is row i. Writes one TSV row of accuracies in %\n"
      "(the error rate is 100 - accuracy).\n\n" +
      app.get_footer());
  tatoeba->add_option("--src-emb", o.src_emb, "Source embeddings: .npy (f32/f16), else raw rows with --dim")
      ->type_name("SRC.npy")
      ->required()
      ->group("Input");
  tatoeba->add_option("--tgt-emb", o.tgt_emb, "Target embeddings, as many rows as the source")
      ->type_name("TGT.npy")
      ->required()
      ->group("Input");
  tatoeba->add_option("--dim", o.dim, "Dimension of raw (headerless) embedding files")->type_name("D")->group("Input");
  cli::one_of(tatoeba->add_option("--emb-dtype", o.emb_dtype, "Element type of raw embedding files"), {"f32", "f16"})
      ->default_val("f32")
      ->group("Input");
  tatoeba->add_option("-k", o.k, "Neighbours in each direction for the margin (1 to 1024)")
      ->default_val(4)
      ->check(CLI::Range(size_t{1}, size_t{1024}).description(""))
      ->type_name("K")
      ->group("Scoring");
  tatoeba->add_option("--name", o.name, "Label of the output row (default: SRC:TGT, the file names without extension)")
      ->type_name("LABEL")
      ->group("Output");
  add_output_options(*tatoeba, o);
  cli::add_thread_option(*tatoeba, o.common);
  cli::add_log_options(*tatoeba, o.common);

  CLI::App* bucc = app.add_subcommand("bucc", "Precision, recall and F1 of mined pairs against gold pairs (BUCC)");
  bucc->footer(
      "Precision, recall and F1 (in %) of mined pairs against gold pairs, at --threshold and at the score cut\n"
      "that maximises F1. Pairs are 0-based line numbers: MINED.tsv as bitmill-mine --ids writes it\n"
      "(score, src_line, tgt_line, ...), GOLD.tsv src_line<TAB>tgt_line.\n\n" +
      app.get_footer());
  bucc->add_option("--mined", o.mined, "Mined pairs: score<TAB>src_line<TAB>tgt_line[<TAB>...], any order")
      ->type_name("MINED.tsv")
      ->required()
      ->group("Input");
  bucc->add_option("--gold", o.gold, "Gold pairs: src_line<TAB>tgt_line")
      ->type_name("GOLD.tsv")
      ->required()
      ->group("Input");
  bucc->add_option("--threshold", o.threshold, "Score the pairs whose score is strictly above T (default: all)")
      ->type_name("T")
      ->group("Scoring");
  add_output_options(*bucc, o);
  cli::add_thread_option(*bucc, o.common);
  cli::add_log_options(*bucc, o.common);

  return cli::run(app, argc, argv, log, o.common,
                  [&] { return tatoeba->parsed() ? run_tatoeba(o, log) : run_bucc(o, log); });
}
