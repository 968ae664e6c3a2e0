// The FAISS index types bitmill reads, checked in a file's bytes before FAISS reads it. Private to
// lib/src/index.
//
// FAISS 1.7.3's readers trust what they read; for some types that crashes on a forged file (the
// fuzzer found a residual quantizer, "IxRq", dereferencing null, and an IDMap2, "IxM2", indexing
// its id list past its end). bitmill builds and searches flat, IVF, PQ, SQ, HNSW, fast-scan PQ,
// refine, pre-transform (OPQ, PCA) and IDMap indexes; a file whose top-level type, or the type
// of an IVF's coarse quantizer or an IDMap's wrapped index, is another is refused before FAISS
// sees it. The types nested under HNSW, pre-transform and refine indexes are not checked here
// (finding them means parsing those structures).
//
// Thread safety: pure functions.
#pragma once

#include <string>
#include <string_view>

#include "bitmill/base/status.h"

namespace bitmill::index::detail {

// Checks the index types at the start of `bytes` (the file's first bytes; a prefix is enough).
// Errors (data errors): "index type 'IxRq' is not one bitmill reads", "the file ends before its
// index type" (the caller adds the path).
Status check_index_types(std::string_view bytes);

// Whether bitmill reads index type `fourcc` (4 bytes).
bool readable_index_type(std::string_view fourcc);

}  // namespace bitmill::index::detail
