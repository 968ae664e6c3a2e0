// The FAISS index types bitmill reads, checked in a file's bytes before FAISS reads it. Private to
// lib/src/index.
//
// FAISS 1.7.3's readers trust what they read; for some types that crashes on a forged file (the
// fuzzer found a residual quantizer, "IxRq", dereferencing null, and an IDMap2, "IxM2", indexing
// its id list past its end). bitmill builds and searches flat, IVF, PQ, SQ, HNSW, fast-scan PQ,
// refine, pre-transform (OPQ, PCA) and IDMap indexes; a file whose top-level type, or the type
// of an IVF's coarse quantizer, an IDMap's wrapped index or an HNSW's storage, is another is
// refused before FAISS sees it. The types nested under pre-transform and refine indexes are not
// checked here (finding them means parsing their transforms and first index).
//
// Thread safety: pure functions.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "bitmill/base/status.h"

namespace bitmill::index::detail {

// Checks the index types of the file `f` (read from its start, by seeks; the position is left
// anywhere). Errors (data errors): "index type 'IxRq' is not one bitmill reads", "the file ends
// before its index type" (the caller adds the path). Counts that point past the end stop the
// walk: FAISS then reports the short file itself.
Status check_index_types(std::FILE* f);

// The same on the bytes of a file held in memory.
Status check_index_types(std::string_view bytes);

// Whether bitmill reads index type `fourcc` (4 bytes).
bool readable_index_type(std::string_view fourcc);

}  // namespace bitmill::index::detail
