#include "align/overlap_side.h"

#include <algorithm>
#include <cstdio>

#include "bitmill/encoder/embed_texts.h"
#include "bitmill/kernels/l2_norm.h"

namespace bitmill::align {

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
    BITMILL_RETURN_IF_ERROR(
        encoder::embed_unit_rows(*from.enc, std::vector<std::string_view>(texts.begin(), texts.end()), rows));
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

namespace {

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

}  // namespace

std::string format_beads(const std::string& doc, const Document& src, const Document& tgt,
                         const std::vector<Bead>& beads) {
  std::string out;
  char score[32];
  for (const Bead& b : beads) {
    out.append(doc).push_back('\t');
    append_lines(out, src.lines, b.src_begin, b.src_count);
    out.push_back('\t');
    append_lines(out, tgt.lines, b.tgt_begin, b.tgt_count);
    std::snprintf(score, sizeof score, "\t%.4f\t", static_cast<double>(b.cosine));
    out.append(score);
    append_text(out, src.sentences, b.src_begin, b.src_count);
    out.push_back('\t');
    append_text(out, tgt.sentences, b.tgt_begin, b.tgt_count);
    out.push_back('\n');
  }
  return out;
}

}  // namespace bitmill::align
