#include "bitmill/align/align_run.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <memory>
#include <string_view>
#include <vector>

#include "bitmill/align/documents.h"
#include "bitmill/kernels/l2_norm.h"
#include "bitmill/util/parallel.h"

namespace bitmill::align {
namespace {

struct PairWork {
  uint64_t index = 0;
  Document src, tgt;
  std::string out;  // the pair's TSV lines
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

// The overlap layers of a document: layer n - 1 row j embeds sentences j - n + 1 .. j joined by
// spaces (rows j < n - 1 stay zero and are never read).
Expected<Side> make_side(const encoder::SentenceEncoder& enc, const Document& doc, size_t layers) {
  Side side;
  side.len = doc.sentences.size();
  side.layers = layers;
  side.dim = enc.dim();
  side.rows.assign(layers * side.len * side.dim, 0.0f);
  std::vector<std::string> texts;
  std::vector<size_t> where;
  for (size_t l = 0; l < layers; ++l) {
    for (size_t j = l; j < side.len; ++j) {
      std::string t = doc.sentences[j - l];
      for (size_t k = j - l + 1; k <= j; ++k) t.append(" ").append(doc.sentences[k]);
      texts.push_back(std::move(t));
      where.push_back(l * side.len + j);
    }
  }
  std::vector<float> rows;
  BITMILL_RETURN_IF_ERROR(embed_texts(enc, texts, rows));
  for (size_t i = 0; i < where.size(); ++i) std::copy_n(&rows[i * side.dim], side.dim, &side.rows[where[i] * side.dim]);
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

Status align_one(const encoder::SentenceEncoder& enc, const Params& params, PairWork& w) {
  const size_t layers = params.max_size - 1;
  BITMILL_ASSIGN_OR_RETURN(const Side src, make_side(enc, w.src, layers));
  BITMILL_ASSIGN_OR_RETURN(const Side tgt, make_side(enc, w.tgt, layers));
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

}  // namespace

Expected<AlignStats> run_align(const std::string& src_path, const std::string& tgt_path,
                               const encoder::SentenceEncoder& enc, OutputStream& out, const AlignRunOptions& opts,
                               Progress* progress) {
  if (opts.params.max_size < 2) return invalid_argument("--max-size must be at least 2");
  BITMILL_ASSIGN_OR_RETURN(auto src, DocumentReader::open(src_path, opts.utf8));
  BITMILL_ASSIGN_OR_RETURN(auto tgt, DocumentReader::open(tgt_path, opts.utf8));
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
      w->index = index++;
      if (!opts.shard.contains(w->index)) continue;
      sentences += w->src.sentences.size() + w->tgt.sentences.size();
      batch.push_back(std::move(w));
    }
    parallel_loop(size_t{0}, batch.size(),
                  [&](size_t i) { batch[i]->status = align_one(enc, opts.params, *batch[i]); });
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
