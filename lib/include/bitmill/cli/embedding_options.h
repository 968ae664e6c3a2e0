// Embedding inputs, declared once for every tool that reads embedding matrices (bitmill-mine,
// bitmill-index, bitmill-eval tatoeba): a .npy file describes itself; raw (headerless) rows need
// --dim D, and --emb-dtype f32|f16 gives their element type.
//
// add_embedding_options() adds --dim D and --emb-dtype f32|f16 (default f32) to the "Input" group
// of `app`, bound to `o`, which must outlive the parse. --dim 0 counts as not given.
//
// check_raw_dim() fails, as an invalid argument, with "PATH: raw embeddings need --dim (or use a
// .npy file)" for a PATH not ending in .npy when no --dim was given; check_raw_dims() checks each
// path so, in order. open_embedding_matrix() checks, then returns the matrix or the errors of
// EmbeddingMatrix::open, which name the file. A tool that reads several files as one set
// (bitmill-index) checks them all, then opens the set with given_dim() and raw_type().
//
// Thread safety: plain functions; `o` is read after parsing only.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "bitmill/base/status.h"
#include "bitmill/io/embeddings.h"

namespace bitmill::cli {

struct EmbeddingOptions {
  size_t dim = 0;  // raw files only; 0: not given
  std::string dtype = "f32";

  std::optional<size_t> given_dim() const { return dim > 0 ? std::optional<size_t>(dim) : std::nullopt; }
  VecType raw_type() const { return dtype == "f16" ? VecType::kF16 : VecType::kF32; }
};

void add_embedding_options(CLI::App& app, EmbeddingOptions& o);

Status check_raw_dim(const std::string& path, const EmbeddingOptions& o);

Expected<EmbeddingMatrix> open_embedding_matrix(const std::string& path, const EmbeddingOptions& o);

Status check_raw_dims(const std::vector<std::string>& paths, const EmbeddingOptions& o);

}  // namespace bitmill::cli
