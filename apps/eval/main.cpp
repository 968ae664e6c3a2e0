// bitmill-eval: evaluation of sentence embeddings and mined bitext (Tatoeba retrieval accuracy,
// BUCC precision, recall and F1).
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <cmath>
#include <optional>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/cli/checks.h"
#include "bitmill/cli/common.h"
#include "bitmill/cli/embedding_options.h"
#include "bitmill/cli/k_option.h"
#include "bitmill/cli/stopwatch.h"
#include "bitmill/cli/tool.h"
#include "bitmill/eval/bucc.h"
#include "bitmill/eval/tables.h"
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
  cli::EmbeddingOptions emb;
  size_t k = cli::kDefaultK;
  // bucc
  std::string mined, gold;
  std::optional<double> threshold;
};

Status write_table(const Options& o, const std::string& header, const std::string& rows) {
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));
  if (!o.no_header) BITMILL_RETURN_IF_ERROR(out->write_line(header));
  BITMILL_RETURN_IF_ERROR(out->write(rows));
  return commit_all({out.get()});
}

Status run_tatoeba(const Options& o, Log& log) {
  const cli::Stopwatch sw;
  BITMILL_ASSIGN_OR_RETURN(std::string label, eval::tatoeba_label(o.name, o.src_emb, o.tgt_emb));
  BITMILL_ASSIGN_OR_RETURN(EmbeddingMatrix x, cli::open_embedding_matrix(o.src_emb, o.emb));
  BITMILL_ASSIGN_OR_RETURN(EmbeddingMatrix y, cli::open_embedding_matrix(o.tgt_emb, o.emb));
  BITMILL_ASSIGN_OR_RETURN(eval::RetrievalCounts c, eval::evaluate_aligned(x, y, o.k));
  BITMILL_RETURN_IF_ERROR(write_table(o, eval::kTatoebaHeader, eval::tatoeba_row(label, c)));
  log.debug("k-NN both ways over {} x {} rows, dimension {}: {}", c.n, c.n, x.dim(), sw.elapsed());
  const eval::Accuracies a = eval::accuracies(c);
  log.info(
      "{}: {} aligned pairs, k = {}: accuracy src->tgt {:.2f}% (cosine) {:.2f}% (margin), tgt->src {:.2f}% "
      "(cosine) {:.2f}% (margin)",
      label, Progress::format_count(c.n), c.k, a.src2tgt_cos, a.src2tgt_margin, a.tgt2src_cos, a.tgt2src_margin);
  return Status::ok();
}

Status run_bucc(const Options& o, Log& log) {
  const cli::Stopwatch sw;
  if (o.mined == "-" && o.gold == "-") return invalid_argument("--mined and --gold cannot both be standard input");
  BITMILL_ASSIGN_OR_RETURN(eval::BuccResult r, eval::evaluate_bucc(o.mined, o.gold, o.threshold));
  BITMILL_RETURN_IF_ERROR(write_table(o, eval::kBuccHeader, eval::bucc_rows(r, o.threshold)));
  log.debug("read and scored in {}", sw.elapsed());
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
  cli::Tool tool("bitmill-eval",
                 "Evaluate sentence embeddings (Tatoeba retrieval accuracy) and mined bitext (BUCC precision,\n"
                 "recall and F1). Run 'bitmill-eval SUBCOMMAND --help' for a subcommand's options.",
                 o.common);
  CLI::App& app = tool.app;
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
  cli::add_embedding_options(*tatoeba, o.emb);
  cli::add_k_option(*tatoeba, o.k, "Neighbours in each direction for the margin (1 to 1024)",
                    cli::KRangeHelp::kInDescription)
      ->group("Scoring");
  tatoeba->add_option("--name", o.name, "Label of the output row (default: SRC:TGT, the file names without extension)")
      ->type_name("LABEL")
      ->group("Output");
  add_output_options(*tatoeba, o);
  tool.add_shared(*tatoeba, cli::kThreads | cli::kLogging);

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
      ->check(cli::a_number())
      ->group("Scoring");
  add_output_options(*bucc, o);
  tool.add_shared(*bucc, cli::kThreads | cli::kLogging);

  return tool.run(argc, argv, [&] { return tatoeba->parsed() ? run_tatoeba(o, tool.log) : run_bucc(o, tool.log); });
}
