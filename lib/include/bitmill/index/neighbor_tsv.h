// The output of bitmill-index search: one TSV row per neighbour found,
//
//   query_row<TAB>rank<TAB>id<TAB>sim<NEWLINE>
//
// query rows 0-based in query order, ranks 1-based in list order (best first), ids as the index
// stores them, similarities in the shortest form that reads back as the same f32. Padding (fewer
// than k found, vectors/neighbors.h) is not written: such a query has fewer rows. Errors: the
// output's write errors.
//
// Thread safety: one thread per output.
#pragma once

#include "bitmill/base/status.h"
#include "bitmill/io/output_stream.h"
#include "bitmill/vectors/neighbors.h"

namespace bitmill::index {

Status write_neighbors_tsv(const vectors::Neighbors& nb, OutputStream& out);

}  // namespace bitmill::index
