#include "bitmill/align/align_run.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

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

// Unit embeddings of `texts` (rows in order), in batches of similar length as bitmill-embed
// makes them; a row's embedding does not depend on its batch.
Status embed_texts(const encoder::SentenceEncoder& enc, const std::vector<std::string>& texts,
                   std::vector<float>& out) {
  const size_t n = texts.size(), dim = enc.dim();
  std::vector<std::vector<int32_t>> ids(n);
  for (size_t i = 0; i < n; ++i) BITMILL_RETURN_IF_ERROR(enc.tokenize(texts[i], ids[i]));
  std::vector<size_t> order(n);
  for (size_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ids[a].size() < ids[b].size(); });
  out.assign(n * dim, 0.0f);
  std::vector<float> rows;
  constexpr size_t kBatchTokens = 8192;
  for (size_t b = 0; b < n;) {
    size_t e = b, longest = 0;
    std::vector<const std::vector<int32_t>*> seqs;
    while (e < n) {
      const size_t len = std::max<size_t>(ids[order[e]].size(), 1);
      if (!seqs.empty() && std::max(longest, len) * (seqs.size() + 1) > kBatchTokens) break;
      longest = std::max(longest, len);
      seqs.push_back(&ids[order[e]]);
      ++e;
    }
    rows.resize(seqs.size() * dim);
    enc.embed(seqs, rows.data());
    for (size_t i = b; i < e; ++i) {
      float* dst = &out[order[i] * dim];
      std::copy_n(&rows[(i - b) * dim], dim, dst);
      (void)kernels::l2_normalize(dst, dim);  // the encoders give finite rows
    }
    b = e;
  }
  return Status::ok();
}

// The number of overlaps of a document of `len` sentences: len - n + 1 for each n < max_size.
uint64_t overlap_count(size_t len, size_t layers) {
  uint64_t n = 0;
  for (size_t l = 0; l < layers; ++l) n += len > l ? len - l : 0;
  return n;
}

// The overlap texts of a document in matrix order (layer-major, then the last sentence), and the
// row of the side each one fills (layer l row j at l * len + j).
void overlap_texts(const Document& doc, size_t layers, std::vector<std::string>& texts, std::vector<size_t>& where) {
  const size_t len = doc.sentences.size();
  for (size_t l = 0; l < layers; ++l) {
    for (size_t j = l; j < len; ++j) {
      std::string t = doc.sentences[j - l];
      for (size_t k = j - l + 1; k <= j; ++k) t.append(" ").append(doc.sentences[k]);
      texts.push_back(std::move(t));
      where.push_back(l * len + j);
    }
  }
}

// Where a side's overlap embeddings come from: the encoder, or a matrix from a given row on.
struct Source {
  const encoder::SentenceEncoder* enc = nullptr;
  const EmbeddingMatrix* matrix = nullptr;
  size_t dim() const { return enc != nullptr ? enc->dim() : matrix->dim(); }
};

// The overlap layers of a document: layer n - 1 row j embeds sentences j - n + 1 .. j joined by
// spaces (rows j < n - 1 stay zero and are never read).
Expected<Side> make_side(const Source& from, const Document& doc, uint64_t first_row, size_t layers) {
  Side side;
  side.len = doc.sentences.size();
  side.layers = layers;
  side.dim = from.dim();
  side.rows.assign(layers * side.len * side.dim, 0.0f);
  std::vector<std::string> texts;
  std::vector<size_t> where;
  overlap_texts(doc, layers, texts, where);
  if (from.enc != nullptr) {
    std::vector<float> rows;
    BITMILL_RETURN_IF_ERROR(embed_texts(*from.enc, texts, rows));
    for (size_t i = 0; i < where.size(); ++i)
      std::copy_n(&rows[i * side.dim], side.dim, &side.rows[where[i] * side.dim]);
    return side;
  }
  for (size_t i = 0; i < where.size(); ++i) {
    float* dst = &side.rows[where[i] * side.dim];
    from.matrix->row_f32(first_row + i, dst);
    (void)kernels::l2_normalize(dst, side.dim);
  }
  return side;
}

void append_lines(std::string& out, const std::vector<uint64_t>& lines, uint32_t begin, uint32_t count) {
  for (uint32_t k = 0; k < count; ++k) {
    if (k > 0) out.push_back(',');
    out.append(std::to_string(lines[begin + k]));
  }
}

void append_text(std::string& out, const std::vector<std::string>& sentences, uint32_t begin, uint32_t count) {
  for (uint32_t k = 0; k < count; ++k) {
    if (k > 0) out.push_back(' ');
    // A tab inside a sentence would shift the columns: it becomes a space.
    for (char ch : sentences[begin + k]) out.push_back(ch == '\t' ? ' ' : ch);
  }
}

Status align_one(const Source& src_from, const Source& tgt_from, const Params& params, PairWork& w) {
  const size_t layers = params.max_size - 1;
  BITMILL_ASSIGN_OR_RETURN(const Side src, make_side(src_from, w.src, w.src_row, layers));
  BITMILL_ASSIGN_OR_RETURN(const Side tgt, make_side(tgt_from, w.tgt, w.tgt_row, layers));
  const std::vector<Bead> beads = align_pair(src, tgt, params, w.index);
  const std::string doc = std::to_string(w.index);
  char score[32];
  for (const Bead& b : beads) {
    w.out.append(doc).push_back('\t');
    append_lines(w.out, w.src.lines, b.src_begin, b.src_count);
    w.out.push_back('\t');
    append_lines(w.out, w.tgt.lines, b.tgt_begin, b.tgt_count);
    std::snprintf(score, sizeof score, "\t%.4f\t", static_cast<double>(b.cosine));
    w.out.append(score);
    append_text(w.out, w.src.sentences, b.src_begin, b.src_count);
    w.out.push_back('\t');
    append_text(w.out, w.tgt.sentences, b.tgt_begin, b.tgt_count);
    w.out.push_back('\n');
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

Expected<uint64_t> write_overlaps(const std::string& path, size_t max_size, InvalidUtf8Policy utf8, OutputStream& out) {
  BITMILL_ASSIGN_OR_RETURN(auto docs, DocumentReader::open(path, utf8));
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
  BITMILL_ASSIGN_OR_RETURN(auto src, DocumentReader::open(src_path, opts.utf8));
  BITMILL_ASSIGN_OR_RETURN(auto tgt, DocumentReader::open(tgt_path, opts.utf8));
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
