// The bitmill-embed job: lines in, one embedding row per line out, in input order.
//
// A oneTBB pipeline reads chunks of lines (serial), tokenises and encodes each chunk (parallel:
// inside a chunk, sentences are sorted by length and cut into batches of at most batch_tokens
// tokens), and writes rows in input order (serial). Inside a batch the transformer also works in
// parallel, on fixed-size row blocks and per sequence, so a small input still keeps every core
// busy. Chunks are cut by the reader alone and row blocks have a fixed size, so the output is
// bit-identical for any thread count. Memory is bounded by the chunks in flight.
//
// Empty lines are embedded as the empty string (the special tokens alone), so row i is always
// line i. Output: .npy (header + rows; written in place, or spooled when the output is a stream
// or compressed) or raw rows (no header).
//
// Thread safety: run_embed() is re-entrant.
#pragma once

#include <cstdint>
#include <string>

#include "bitmill/base/progress.h"
#include "bitmill/encoder/sentence_encoder.h"
#include "bitmill/io/embeddings.h"
#include "bitmill/io/input_set.h"
#include "bitmill/io/output_stream.h"

namespace bitmill::encoder {

enum class OutputFormat { kNpy, kRaw };

struct EmbedOptions {
  std::string prefix;          // prepended to every line (e5's "query: ")
  size_t column = 0;           // 1-based TSV column to embed; 0 = the whole line
  size_t batch_tokens = 8192;  // token budget of one batch
  size_t chunk_lines = 2048;   // lines per unit of parallel work
  VecType dtype = VecType::kF32;
  OutputFormat format = OutputFormat::kNpy;
  size_t threads = 1;
  std::string tmp_dir;  // spool for .npy on a stream
};

struct EmbedStats {
  uint64_t sentences = 0;
  uint64_t tokens = 0;
  uint64_t empty = 0;
  size_t dim = 0;
};

Expected<EmbedStats> run_embed(InputSet& inputs, const SentenceEncoder& enc, OutputStream& out,
                               const EmbedOptions& opts, Progress* progress);

}  // namespace bitmill::encoder
