// bitmill-mine: margin-based parallel sentence mining (Artetxe & Schwenk 2019), exact k-NN.
#include <CLI/CLI.hpp>

#include <fmt/format.h>

#include <chrono>
#include <optional>
#include <unordered_map>

#include "bitmill/base/log.h"
#include "bitmill/base/progress.h"
#include "bitmill/cli/common.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/mine/knn.h"
#include "bitmill/mine/margin.h"
#include "bitmill/mine/sentences.h"

namespace {

using namespace bitmill;

struct Options {
  cli::CommonOptions common;
  std::string src, tgt, src_emb, tgt_emb;
  std::string output = "-";
  size_t dim = 0;  // raw embeddings only
  std::string emb_dtype = "f32";
  size_t k = 4;
  std::string margin = "ratio";
  std::string retrieval = "max";
  std::optional<float> threshold;
  bool ids = false;
  bool unify = false;
  size_t block = 2048;
};

// One side of the job: its sentences, its embeddings, and (with --unify) the rows mined.
struct Side {
  mine::Sentences text;
  EmbeddingMatrix emb;
  std::vector<int64_t> rows;  // line numbers of the mined rows; empty = every line
  mine::RowSet set() const { return mine::RowSet{&emb, rows.empty() ? nullptr : &rows}; }
  size_t line_of(int64_t i) const { return rows.empty() ? static_cast<size_t>(i) : static_cast<size_t>(rows[i]); }
};

Expected<Side> load_side(const std::string& text, const std::string& emb, const Options& o, const char* what) {
  if (text.empty() || emb.empty()) {
    return invalid_argument(fmt::format("--{} and --{}-emb are required", what, what));
  }
  Side s;
  BITMILL_ASSIGN_OR_RETURN(InvalidUtf8Policy utf8, cli::parse_invalid_utf8(o.common.invalid_utf8));
  BITMILL_ASSIGN_OR_RETURN(s.text, mine::Sentences::load(text, utf8));
  std::optional<size_t> dim;
  if (o.dim > 0) dim = o.dim;
  if (!emb.ends_with(".npy") && !dim) {
    return invalid_argument(emb + ": raw embeddings need --dim (or use a .npy file)");
  }
  BITMILL_ASSIGN_OR_RETURN(s.emb,
                           EmbeddingMatrix::open(emb, dim, o.emb_dtype == "f16" ? VecType::kF16 : VecType::kF32));
  if (s.emb.rows() != s.text.size()) {
    return data_error(fmt::format("{} has {} rows but {} has {} lines: one embedding per line is needed", emb,
                                  s.emb.rows(), text, s.text.size()));
  }
  if (o.unify) s.rows = s.text.first_occurrences();
  return s;
}

Status run_mine(const Options& o, bool score_mode, Log& log) {
  const auto start = std::chrono::steady_clock::now();
  mine::MineOptions mo;
  BITMILL_ASSIGN_OR_RETURN(mo.margin, mine::parse_margin(o.margin));
  BITMILL_ASSIGN_OR_RETURN(mo.retrieval, mine::parse_retrieval(o.retrieval));
  mo.threshold = o.threshold;
  BITMILL_ASSIGN_OR_RETURN(Side src, load_side(o.src, o.src_emb, o, "src"));
  BITMILL_ASSIGN_OR_RETURN(Side tgt, load_side(o.tgt, o.tgt_emb, o, "tgt"));
  if (src.emb.dim() != tgt.emb.dim()) {
    return data_error(
        fmt::format("{} has dimension {} but {} has {}", o.src_emb, src.emb.dim(), o.tgt_emb, tgt.emb.dim()));
  }
  if (score_mode && src.text.size() != tgt.text.size()) {
    return data_error(fmt::format("score: {} has {} lines but {} has {}: line i of each is scored as a pair", o.src,
                                  src.text.size(), o.tgt, tgt.text.size()));
  }
  if (o.unify) {
    log.info("unified: {} distinct of {} source lines, {} of {} target lines", src.rows.size(), src.text.size(),
             tgt.rows.size(), tgt.text.size());
  }
  BITMILL_ASSIGN_OR_RETURN(auto out, OutputStream::open(o.output));

  mine::KnnOptions ko;
  ko.k = o.k;
  ko.tile = o.block;
  mine::Neighbors fwd, bwd;
  BITMILL_RETURN_IF_ERROR(mine::knn_both(src.set(), tgt.set(), ko, fwd, bwd));
  const double knn_secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log.debug("k-NN both ways: {} x {} rows, dimension {}, k = {}: {}", src.set().size(), tgt.set().size(), src.emb.dim(),
            o.k, Progress::format_duration(knn_secs));

  std::string buf;
  auto put_row = [&](float score, size_t s_line, size_t t_line) -> Status {
    buf.clear();
    fmt::format_to(std::back_inserter(buf), "{}\t", score);  // shortest exact form of the f32
    if (o.ids) fmt::format_to(std::back_inserter(buf), "{}\t{}\t", s_line, t_line);
    buf.append(src.text.line(s_line));
    buf.push_back('\t');
    buf.append(tgt.text.line(t_line));
    buf.push_back('\n');
    return out->write(buf);
  };

  size_t written = 0;
  if (score_mode) {
    // LASER's --mode score: line i with line i, its neighbourhoods from the full k-NN lists. With
    // --unify a line is scored through its first occurrence's row.
    std::vector<int64_t> pos_s(src.text.size()), pos_t(tgt.text.size());
    auto positions = [](const Side& s, std::vector<int64_t>& pos) {
      if (s.rows.empty()) {
        for (size_t i = 0; i < pos.size(); ++i) pos[i] = static_cast<int64_t>(i);
        return;
      }
      std::unordered_map<std::string_view, int64_t> first;
      for (size_t r = 0; r < s.rows.size(); ++r) first.emplace(s.text.line(static_cast<size_t>(s.rows[r])), r);
      for (size_t i = 0; i < pos.size(); ++i) pos[i] = first.at(s.text.line(i));
    };
    positions(src, pos_s);
    positions(tgt, pos_t);
    for (size_t i = 0; i < src.text.size(); ++i) {
      const auto a = static_cast<size_t>(pos_s[i]), b = static_cast<size_t>(pos_t[i]);
      const float sim = mine::similarity(src.set(), a, tgt.set(), b, true);
      const float score = mine::margin_score(mo.margin, sim, fwd.mean(a), bwd.mean(b));
      if (o.threshold && !(score > *o.threshold)) continue;
      BITMILL_RETURN_IF_ERROR(put_row(score, i, i));
      ++written;
    }
  } else {
    const std::vector<mine::ScoredPair> pairs = mine::mine_pairs(fwd, bwd, mo);
    for (const auto& p : pairs) {
      BITMILL_RETURN_IF_ERROR(put_row(p.score, src.line_of(p.src), tgt.line_of(p.tgt)));
    }
    written = pairs.size();
  }
  BITMILL_RETURN_IF_ERROR(commit_all({out.get()}));
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  log.info("{}: {} pairs from {} x {} sentences (k = {}, {} margin{}{}) [{}]", score_mode ? "scored" : "mined",
           Progress::format_count(written), Progress::format_count(src.set().size()),
           Progress::format_count(tgt.set().size()), o.k, o.margin, score_mode ? "" : ", " + o.retrieval + " retrieval",
           o.threshold ? fmt::format(", score > {}", *o.threshold) : "", Progress::format_duration(secs));
  return Status::ok();
}

void add_job_options(CLI::App& app, Options& o, bool score) {
  app.add_option("--src", o.src, "Source sentences, one per line (.txt, .gz, .zst)")
      ->type_name("SRC.txt")
      ->group("Input");
  app.add_option("--tgt", o.tgt, "Target sentences, one per line")->type_name("TGT.txt")->group("Input");
  app.add_option("--src-emb", o.src_emb, "Source embeddings: .npy (f32/f16), else raw rows with --dim")
      ->type_name("SRC.npy")
      ->group("Input");
  app.add_option("--tgt-emb", o.tgt_emb, "Target embeddings")->type_name("TGT.npy")->group("Input");
  app.add_option("--dim", o.dim, "Dimension of raw (headerless) embedding files")->type_name("D")->group("Input");
  cli::one_of(app.add_option("--emb-dtype", o.emb_dtype, "Element type of raw embedding files"), {"f32", "f16"})
      ->default_val("f32")
      ->group("Input");
  app.add_option("-o,--output", o.output, "Output TSV: score<TAB>src<TAB>tgt (default: stdout)")->type_name("OUT.tsv");
  app.add_option("-k", o.k, "Neighbours in each direction")
      ->type_name("N")
      ->default_val(4)
      ->check(CLI::Range(size_t{1}, size_t{1024}))
      ->group("Mining");
  cli::one_of(app.add_option("--margin", o.margin, "Margin: ratio a/b, distance a-b, absolute a"),
              {"ratio", "distance", "absolute"})
      ->default_val("ratio")
      ->group("Mining");
  if (!score) {
    cli::one_of(app.add_option("--retrieval", o.retrieval, "Pairs kept: max (one-to-one), fwd, bwd or intersect"),
                {"max", "fwd", "bwd", "intersect"})
        ->default_val("max")
        ->group("Mining");
  }
  app.add_option("--threshold", o.threshold, "Keep pairs whose score is strictly above T (every mode)")
      ->type_name("T")
      ->group("Mining");
  app.add_flag("--ids", o.ids, "Add 0-based source and target line numbers: score, src_line, tgt_line, src, tgt")
      ->group("Output");
  app.add_flag("--unify", o.unify, "Mine each distinct sentence once (its first line's embedding)")->group("Mining");
  app.add_option("--block", o.block, "Rows per tile of the exact search (memory per thread ~ 3 x N x dim x 4 bytes)")
      ->type_name("N")
      ->default_val(2048)
      ->check(CLI::Range(size_t{16}, size_t{1} << 20))
      ->group("Performance");
  cli::add_utf8_option(app, o.common);
  cli::add_thread_option(app, o.common);
  cli::add_log_options(app, o.common);
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  Log log("bitmill-mine");
  CLI::App app;
  cli::setup_app(app, "bitmill-mine",
                 "Mine parallel sentences from two monolingual sides with margin scoring over exact k nearest\n"
                 "neighbours both ways (Artetxe & Schwenk 2019; LASER's mine_bitexts.py definitions).\n"
                 "Output rows are sorted by score, best first.");
  add_job_options(app, o, false);
  CLI::App* score = app.add_subcommand("score", "Margin scores of given pairs: line i of --src with line i of --tgt");
  add_job_options(*score, o, true);
  app.require_subcommand(0, 1);
  return cli::run(app, argc, argv, log, o.common, [&] { return run_mine(o, score->parsed(), log); });
}
