// A document's overlap embeddings (vecalign.h's Side), from the encoder or from an embedding
// matrix, and the TSV lines of an alignment's beads; shared by bitmill-align's runs.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bitmill/align/documents.h"
#include "bitmill/align/vecalign.h"
#include "bitmill/base/status.h"
#include "bitmill/encoder/sentence_encoder.h"
#include "bitmill/io/embeddings.h"

namespace bitmill::align {

// The number of overlaps of a document of `len` sentences: len - n + 1 for each n <= layers.
uint64_t overlap_count(size_t len, size_t layers);

// The overlap texts of a document in matrix order (layer-major, then the last sentence), and the
// row of the side each one fills (layer l row j at l * len + j).
void overlap_texts(const Document& doc, size_t layers, std::vector<std::string>& texts, std::vector<size_t>& where);

// Where a side's overlap embeddings come from: the encoder, or a matrix from a given row on.
struct Source {
  const encoder::SentenceEncoder* enc = nullptr;
  const EmbeddingMatrix* matrix = nullptr;
  size_t dim() const { return enc != nullptr ? enc->dim() : matrix->dim(); }
};

// The overlap layers of a document: layer n - 1 row j embeds sentences j - n + 1 .. j joined by
// spaces (rows j < n - 1 stay zero and are never read); from a matrix, its rows from first_row.
Expected<Side> make_side(const Source& from, const Document& doc, uint64_t first_row, size_t layers);

// The beads' TSV lines (align_run.h states the columns), with `doc` in the first column.
std::string format_beads(const std::string& doc, const Document& src, const Document& tgt,
                         const std::vector<Bead>& beads);

}  // namespace bitmill::align
