#include "bitmill/align/align_run.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "align/overlap_side.h"
#include "bitmill/align/documents.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/kernels/l2_norm.h"
#include "bitmill/util/parallel.h"

namespace bitmill::align {
namespace {

struct PairWork {
  uint64_t index = 0;
  Document src, tgt;
  uint64_t src_row = 0, tgt_row = 0;  // first overlap row in the embedding matrices
  std::string out;                    // the pair's TSV lines
  Status status = Status::ok();
  AlignStats stats;
};

Status align_one(const Source& src_from, const Source& tgt_from, const Params& params, PairWork& w) {
  const size_t layers = params.max_size - 1;
  BITMILL_ASSIGN_OR_RETURN(const Side src, make_side(src_from, w.src, w.src_row, layers));
  BITMILL_ASSIGN_OR_RETURN(const Side tgt, make_side(tgt_from, w.tgt, w.tgt_row, layers));
  const std::vector<Bead> beads = align_pair(src, tgt, params, w.index);
  w.out = format_beads(std::to_string(w.index), w.src, w.tgt, beads);
  for (const Bead& b : beads) {
    w.stats.deletions += b.tgt_count == 0 ? 1 : 0;
    w.stats.insertions += b.src_count == 0 ? 1 : 0;
  }
  w.stats.documents = 1;
  w.stats.beads = beads.size();
  w.stats.src_sentences = w.src.sentences.size();
  w.stats.tgt_sentences = w.tgt.sentences.size();
  return Status::ok();
}

// Checks that a matrix holds the overlaps counted so far (`end` past the last one read) and, at
// the end of the input, no more.
Status check_rows(const EmbeddingMatrix* m, const std::string& name, const std::string& docs, uint64_t end, bool at_end,
                  size_t max_size) {
  if (m == nullptr || (end <= m->rows() && (!at_end || end == m->rows()))) return Status::ok();
  return data_error(name + ": " + std::to_string(m->rows()) + " rows, but the overlaps of " + docs +
                    " with --max-size " + std::to_string(max_size) + " are " + (at_end ? "" : "at least ") +
                    std::to_string(end) + " (write them with bitmill-align overlaps)");
}

}  // namespace

Expected<uint64_t> write_overlaps(const std::string& path, bool list, size_t max_size, InvalidUtf8Policy utf8,
                                  OutputStream& out) {
  BITMILL_ASSIGN_OR_RETURN(auto docs, list ? DocumentReader::open_list(path, utf8) : DocumentReader::open(path, utf8));
  Document doc;
  uint64_t n = 0;
  std::vector<std::string> texts;
  std::vector<size_t> where;
  while (true) {
    BITMILL_ASSIGN_OR_RETURN(const bool got, docs->next(doc));
    if (!got) return n;
    texts.clear();
    where.clear();
    overlap_texts(doc, max_size - 1, texts, where);
    for (std::string& t : texts) {
      std::replace(t.begin(), t.end(), '\t', ' ');
      BITMILL_RETURN_IF_ERROR(out.write_line(t));
    }
    n += texts.size();
  }
}

Expected<AlignStats> run_align(const std::string& src_path, const std::string& tgt_path,
                               const encoder::SentenceEncoder* enc, OutputStream& out, const AlignRunOptions& opts,
                               Progress* progress) {
  if (opts.params.max_size < 2) return invalid_argument("--max-size must be at least 2");
  if (opts.src_emb.empty() != opts.tgt_emb.empty()) return invalid_argument("--src-emb and --tgt-emb go together");
  std::optional<EmbeddingMatrix> src_m, tgt_m;
  Source src_from{enc, nullptr}, tgt_from{enc, nullptr};
  if (!opts.src_emb.empty()) {
    BITMILL_ASSIGN_OR_RETURN(src_m, EmbeddingMatrix::open(opts.src_emb));
    BITMILL_ASSIGN_OR_RETURN(tgt_m, EmbeddingMatrix::open(opts.tgt_emb));
    if (src_m->dim() != tgt_m->dim()) {
      return data_error(opts.tgt_emb + ": dimension " + std::to_string(tgt_m->dim()) + ", " + opts.src_emb +
                        ": dimension " + std::to_string(src_m->dim()));
    }
    src_from = Source{nullptr, &*src_m};
    tgt_from = Source{nullptr, &*tgt_m};
  } else if (enc == nullptr) {
    return invalid_argument("no model and no embeddings to align with");
  }
  auto open = [&](const std::string& path) {
    return opts.lists ? DocumentReader::open_list(path, opts.utf8) : DocumentReader::open(path, opts.utf8);
  };
  BITMILL_ASSIGN_OR_RETURN(auto src, open(src_path));
  BITMILL_ASSIGN_OR_RETURN(auto tgt, open(tgt_path));
  const size_t layers = opts.params.max_size - 1;
  uint64_t src_row = 0, tgt_row = 0;
  AlignStats total;
  uint64_t index = 0;
  bool more = true;
  while (more) {
    std::vector<std::unique_ptr<PairWork>> batch;
    size_t sentences = 0;
    while (sentences < opts.batch_sentences) {
      auto w = std::make_unique<PairWork>();
      BITMILL_ASSIGN_OR_RETURN(const bool got_src, src->next(w->src));
      BITMILL_ASSIGN_OR_RETURN(const bool got_tgt, tgt->next(w->tgt));
      if (got_src != got_tgt) {
        return data_error((got_src ? tgt->name() : src->name()) + ": ends after " +
                          Progress::format_count(index, "document") + ", " + (got_src ? src->name() : tgt->name()) +
                          " has more (the k-th document of each file must be a translation of the other's)");
      }
      if (!got_src) {
        more = false;
        break;
      }
      w->src_row = src_row;
      w->tgt_row = tgt_row;
      src_row += overlap_count(w->src.sentences.size(), layers);
      tgt_row += overlap_count(w->tgt.sentences.size(), layers);
      BITMILL_RETURN_IF_ERROR(
          check_rows(src_m ? &*src_m : nullptr, opts.src_emb, src_path, src_row, false, opts.params.max_size));
      BITMILL_RETURN_IF_ERROR(
          check_rows(tgt_m ? &*tgt_m : nullptr, opts.tgt_emb, tgt_path, tgt_row, false, opts.params.max_size));
      w->index = index++;
      if (!opts.shard.contains(w->index)) continue;
      sentences += w->src.sentences.size() + w->tgt.sentences.size();
      batch.push_back(std::move(w));
    }
    if (!more) {
      BITMILL_RETURN_IF_ERROR(
          check_rows(src_m ? &*src_m : nullptr, opts.src_emb, src_path, src_row, true, opts.params.max_size));
      BITMILL_RETURN_IF_ERROR(
          check_rows(tgt_m ? &*tgt_m : nullptr, opts.tgt_emb, tgt_path, tgt_row, true, opts.params.max_size));
    }
    parallel_loop(size_t{0}, batch.size(),
                  [&](size_t i) { batch[i]->status = align_one(src_from, tgt_from, opts.params, *batch[i]); });
    for (const auto& w : batch) {
      BITMILL_RETURN_IF_ERROR(w->status);
      BITMILL_RETURN_IF_ERROR(out.write(w->out));
      total.documents += w->stats.documents;
      total.beads += w->stats.beads;
      total.src_sentences += w->stats.src_sentences;
      total.tgt_sentences += w->stats.tgt_sentences;
      total.deletions += w->stats.deletions;
      total.insertions += w->stats.insertions;
    }
    if (progress != nullptr) progress->update(total.documents, 0);
  }
  return total;
}

}  // namespace bitmill::align
