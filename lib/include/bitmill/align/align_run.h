// The bitmill-align job: document pairs in (the k-th document of the source file with the k-th of
// the target file), one TSV line per alignment bead out, in document order:
//   doc <TAB> src_lines <TAB> tgt_lines <TAB> score <TAB> src_text <TAB> tgt_text
// doc the 0-based document index; *_lines the 0-based line numbers in the input files, comma-
// separated, empty for a deletion or insertion; score the cosine similarity of the bead's two
// overlap embeddings (0.0000 for a deletion or insertion); *_text the bead's sentences joined by
// spaces.
//
// The overlap embeddings come from the encoder, or, with src_emb and tgt_emb, from embedding
// matrices (.npy or raw f32) whose rows are the overlaps in the order write_overlaps() writes them
// (embedded by bitmill-embed, for example in a Slurm array job); each row is scaled to unit
// length. A matrix with another number of rows than its file's overlaps is an error.
//
// Pairs are read in batches (about batch_sentences sentences, and whole documents), each pair's
// overlaps embedded and aligned in parallel, and the batch written in order: memory is bounded
// by the batch and the largest document pair, and the output is the same for any thread count.
//
// Thread safety: run_align() is re-entrant.
#pragma once

#include <cstdint>
#include <string>

#include "bitmill/align/vecalign.h"
#include "bitmill/base/progress.h"
#include "bitmill/base/status.h"
#include "bitmill/encoder/sentence_encoder.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/text/utf8.h"
#include "bitmill/util/shard.h"

namespace bitmill::align {

struct AlignRunOptions {
  Params params;
  Shard shard;  // document pairs whose index is in the shard
  InvalidUtf8Policy utf8 = InvalidUtf8Policy::kFail;
  size_t batch_sentences = 4096;
  std::string src_emb, tgt_emb;  // both or neither
  bool lists = false;            // the paths are lists of document files (documents.h)
};

struct AlignStats {
  uint64_t documents = 0, beads = 0, src_sentences = 0, tgt_sentences = 0, deletions = 0, insertions = 0;
};

// enc may be null when opts names the embedding matrices.
Expected<AlignStats> run_align(const std::string& src_path, const std::string& tgt_path,
                               const encoder::SentenceEncoder* enc, OutputStream& out, const AlignRunOptions& opts,
                               Progress* progress);

// The overlaps of every document of `path`, one per line, in the order the embedding matrices
// hold them: for each document, for n = 1 .. max_size - 1, for each sentence j from the n-th on,
// sentences j - n + 1 .. j joined by spaces (tabs become spaces). Returns how many.
// With `list`, path is a list of document files (documents.h).
Expected<uint64_t> write_overlaps(const std::string& path, bool list, size_t max_size, InvalidUtf8Policy utf8,
                                  OutputStream& out);

}  // namespace bitmill::align
