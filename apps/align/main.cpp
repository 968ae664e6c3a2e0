// bitmill-align: sentence alignment of parallel documents (Vecalign's method).
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bitmill/align/align_run.h"
#include "bitmill/align/pair_run.h"
#include "bitmill/base/progress.h"
#include "bitmill/base/summary.h"
#include "bitmill/cli/checks.h"
#include "bitmill/cli/common.h"
#include "bitmill/cli/tool.h"
#include "bitmill/encoder/model_location.h"
#include "bitmill/encoder/sentence_encoder.h"
#include "bitmill/io/output_stream.h"

using namespace bitmill;  // NOLINT(google-build-using-namespace): a tool's main

namespace {

struct Options {
  cli::CommonOptions common;
  std::string src, tgt, model, output = "-", src_emb, tgt_emb, beads, src_docs, tgt_docs;
  double threshold = 0.35;
  size_t max_size = 4;
  double del_percentile = 0.2;
  size_t search_buffer = 5;
  size_t max_full_dp = 300;
};

Status run(const Options& o, Log& log) {
  align::AlignRunOptions ao;
  ao.lists = !o.src_docs.empty();
  ao.src_emb = o.src_emb;
  ao.tgt_emb = o.tgt_emb;
  ao.params.max_size = o.max_size;
  ao.params.del_percentile = o.del_percentile;
  ao.params.search_buffer = o.search_buffer;
  ao.params.max_full_dp = o.max_full_dp;
  BITMILL_ASSIGN_OR_RETURN(ao.shard, cli::shard(o.common));
  BITMILL_ASSIGN_OR_RETURN(ao.utf8, cli::parse_invalid_utf8(o.common.invalid_utf8));
  std::unique_ptr<encoder::SentenceEncoder> enc;
  if (o.src_emb.empty()) {
    BITMILL_ASSIGN_OR_RETURN(const std::string model,
                             encoder::find_model_dir(o.model, [](const char* name) { return std::getenv(name); }));
    BITMILL_ASSIGN_OR_RETURN(enc, encoder::SentenceEncoder::load(model));
    log.debug("model {}: dimension {}", model, enc->dim());
  }
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));
  Progress progress(log, std::nullopt, "documents");
  BITMILL_ASSIGN_OR_RETURN(
      const align::AlignStats st,
      align::run_align(ao.lists ? o.src_docs : o.src, ao.lists ? o.tgt_docs : o.tgt, enc.get(), *out, ao, &progress));
  progress.finish();
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  const double secs = progress.elapsed_seconds();
  log.info("{} aligned ({} and {} sentences): {}, {} deletions, {} insertions, {:.1f} documents/s",
           Progress::format_count(st.documents, "document pair"), st.src_sentences, st.tgt_sentences,
           Progress::format_count(st.beads, "bead"), st.deletions, st.insertions, per_second(st.documents, secs));
  return Status::ok();
}

// bitmill-align overlaps: the texts to embed for --src-emb / --tgt-emb.
Status run_overlaps(const Options& o, Log& log) {
  BITMILL_ASSIGN_OR_RETURN(const InvalidUtf8Policy utf8, cli::parse_invalid_utf8(o.common.invalid_utf8));
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));
  const bool list = !o.src_docs.empty();
  if (list == !o.src.empty()) return invalid_argument("overlaps needs --src or --src-docs");
  const std::string& path = list ? o.src_docs : o.src;
  BITMILL_ASSIGN_OR_RETURN(const uint64_t n, align::write_overlaps(path, list, o.max_size, utf8, *out));
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  log.info("{} of {}", Progress::format_count(n, "overlap"), path);
  return Status::ok();
}

// bitmill-align pair: which documents are translations of which (and their alignment).
Status run_pair(const Options& o, Log& log) {
  align::PairRunOptions po;
  po.threshold = static_cast<float>(o.threshold);
  po.params.max_size = o.max_size;
  BITMILL_ASSIGN_OR_RETURN(po.utf8, cli::parse_invalid_utf8(o.common.invalid_utf8));
  BITMILL_ASSIGN_OR_RETURN(const std::string model,
                           encoder::find_model_dir(o.model, [](const char* name) { return std::getenv(name); }));
  BITMILL_ASSIGN_OR_RETURN(auto enc, encoder::SentenceEncoder::load(model));
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));
  std::unique_ptr<OutputStream> beads;
  if (!o.beads.empty()) {
    if (o.beads == o.output) return invalid_argument("--beads and -o name the same output: " + o.beads);
    BITMILL_ASSIGN_OR_RETURN(beads, OutputStream::open(o.beads));
  }
  Progress progress(log, std::nullopt, "documents");
  BITMILL_ASSIGN_OR_RETURN(const align::PairStats st, align::run_pair(o.src, o.tgt, *enc, *out, beads.get(), po));
  progress.finish();
  std::vector<OutputStream*> all{out.get()};
  if (beads) all.push_back(beads.get());
  BITMILL_RETURN_IF_ERROR(commit_all(all));
  log.info("{} and {}: {} at score >= {}{}", Progress::format_count(st.src_docs, "source document"),
           Progress::format_count(st.tgt_docs, "target document"), Progress::format_count(st.pairs, "pair"),
           o.threshold, beads ? ", " + Progress::format_count(st.beads, "bead") : std::string());
  return Status::ok();
}

// The options of the alignment itself (the main command): how documents come in, the model or the
// embeddings, and the method's parameters.
struct MainOptions {
  CLI::Option *src, *tgt, *src_docs;
};

MainOptions add_align_options(CLI::App& app, Options& o) {
  CLI::Option* src_opt =
      app.add_option("--src", o.src, "Source documents (plain, .gz, .zst; '-' for stdin)")->type_name("SRC");
  CLI::Option* tgt_opt = app.add_option("--tgt", o.tgt, "Target documents, in the same order")->type_name("TGT");
  CLI::Option* src_docs =
      app.add_option("--src-docs", o.src_docs, "Instead of --src: a list of document files, one path per line")
          ->type_name("LIST");
  CLI::Option* tgt_docs =
      app.add_option("--tgt-docs", o.tgt_docs, "Instead of --tgt: the list of their translations, line by line")
          ->type_name("LIST");
  src_docs->needs(tgt_docs)->excludes(src_opt)->excludes(tgt_opt);
  tgt_docs->needs(src_docs)->excludes(src_opt)->excludes(tgt_opt);
  app.add_option("-o,--output", o.output, "Beads, TSV (default: stdout)")->type_name("OUT");
  app.add_option("--model", o.model,
                 "Model directory (as bitmill-embed's); default: $BITMILL_MODEL, else the bundled default model")
      ->type_name("DIR")
      ->group("Model");
  CLI::Option* src_emb = app.add_option("--src-emb", o.src_emb,
                                        "Embeddings of SRC's overlaps (.npy or raw f32, rows as 'overlaps' writes "
                                        "them) instead of the model's")
                             ->type_name("FILE")
                             ->group("Model");
  CLI::Option* tgt_emb =
      app.add_option("--tgt-emb", o.tgt_emb, "Embeddings of TGT's overlaps")->type_name("FILE")->group("Model");
  src_emb->needs(tgt_emb);
  tgt_emb->needs(src_emb);
  app.add_option("--max-size", o.max_size, "Largest bead, in source + target sentences")
      ->type_name("N")
      ->default_val(4)
      ->check(cli::count_in(2, 16))
      ->group("Alignment");
  app.add_option("--del-percentile", o.del_percentile,
                 "Deletion penalty: this quantile of the costs of random sentence pairs (higher: fewer deletions)")
      ->type_name("Q")
      ->default_val(0.2)
      ->check(cli::a_number())
      ->check(CLI::Range(0.0, 1.0))
      ->group("Alignment");
  app.add_option("--search-buffer", o.search_buffer, "Margin of the coarse-to-fine search band, in sentences")
      ->type_name("N")
      ->default_val(5)
      ->check(cli::count_in(1, 100000))
      ->group("Alignment");
  app.add_option("--max-full-dp", o.max_full_dp,
                 "Align exactly (quadratic) while sentences(src) x sentences(tgt) <= N^2; coarse-to-fine above")
      ->type_name("N")
      ->default_val(300)
      ->check(cli::count_in(2, 100000))
      ->group("Alignment");
  return MainOptions{src_opt, tgt_opt, src_docs};
}

CLI::App* add_overlaps_command(cli::Tool& tool, Options& o) {
  CLI::App* overlaps = tool.app.add_subcommand(
      "overlaps",
      "Write the overlaps of a file's documents (runs of 1 to max-size - 1 sentences), one per line, to\n"
      "embed with bitmill-embed for --src-emb / --tgt-emb");
  overlaps->add_option("--src", o.src, "Documents")->type_name("FILE");
  overlaps->add_option("--src-docs", o.src_docs, "Instead: a list of document files")->type_name("LIST");
  overlaps->add_option("--max-size", o.max_size, "Largest bead, as for the alignment")
      ->type_name("N")
      ->default_val(4)
      ->check(cli::count_in(2, 16));
  overlaps->add_option("-o,--output", o.output, "Overlap texts (default: stdout)")->type_name("OUT");
  tool.add_shared(*overlaps, cli::kUtf8 | cli::kLogging);
  return overlaps;
}

CLI::App* add_pair_command(cli::Tool& tool, Options& o) {
  CLI::App* pair = tool.app.add_subcommand(
      "pair",
      "Find which documents of SRC are translations of which documents of TGT (any order, any counts),\n"
      "one-to-one, and optionally align each pair; writes src_doc, tgt_doc, score");
  pair->add_option("--src", o.src, "Source documents")->type_name("SRC")->required();
  pair->add_option("--tgt", o.tgt, "Target documents")->type_name("TGT")->required();
  pair->add_option("-o,--output", o.output, "Pairs, TSV (default: stdout)")->type_name("OUT");
  pair->add_option("--beads", o.beads, "Also align each pair and write its beads here")->type_name("FILE");
  pair->add_option("--model", o.model, "Model directory (as bitmill-embed's)")->type_name("DIR");
  pair->add_option("--threshold", o.threshold, "Least document score (cosine) of a pair")
      ->type_name("T")
      ->default_val(0.35)
      ->check(cli::a_number())
      ->check(CLI::Range(-1.0, 1.0));
  pair->add_option("--max-size", o.max_size, "Largest bead of the alignments")
      ->type_name("N")
      ->default_val(4)
      ->check(cli::count_in(2, 16));
  tool.add_shared(*pair, cli::kUtf8 | cli::kThreads | cli::kLogging);
  return pair;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  cli::Tool tool("bitmill-align",
                 "Align the sentences of parallel documents (Vecalign's method): SRC and TGT hold one sentence per\n"
                 "line, documents separated by an empty line, the k-th document of SRC a translation of the k-th\n"
                 "of TGT. Writes one line per alignment bead: doc, src_lines, tgt_lines, score, src_text, tgt_text.",
                 o.common);
  CLI::App& app = tool.app;
  const MainOptions main_opts = add_align_options(app, o);
  tool.add_shared(app, cli::kUtf8);
  app.add_option("--shard", o.common.shard,
                 "Align only document pairs k with k mod N = I (default: all, or the Slurm array task)")
      ->type_name("I/N")
      ->group("Input");
  tool.add_shared(app, cli::kThreads | cli::kLogging);
  CLI::App* overlaps = add_overlaps_command(tool, o);
  CLI::App* pair = add_pair_command(tool, o);
  app.require_subcommand(0, 1);
  return tool.run(argc, argv, [&]() -> Status {
    if (overlaps->parsed()) return run_overlaps(o, tool.log);
    if (pair->parsed()) return run_pair(o, tool.log);
    if (main_opts.src_docs->count() == 0 && (main_opts.src->count() == 0 || main_opts.tgt->count() == 0)) {
      return invalid_argument("--src and --tgt (or --src-docs and --tgt-docs) are required");
    }
    return run(o, tool.log);
  });
}
