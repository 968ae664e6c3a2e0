// Unit embeddings of a list of texts held in memory, for the areas that embed as part of a job
// (the filter's semantic rule, bitmill-align's overlaps) rather than through bitmill-embed.
//
// Texts are tokenised, sorted by length and cut into batches of at most 8192 tokens, as
// bitmill-embed makes them; a row's embedding does not depend on its batch. Each row is scaled as
// every area scales (kernels/l2_norm.h); a row with no positive finite norm becomes zero.
//
// Thread safety: re-entrant (the encoder is immutable).
#pragma once

#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/encoder/sentence_encoder.h"

namespace bitmill::encoder {

// out[i * enc.dim() ...] = the unit embedding of texts[i] (valid UTF-8).
Status embed_unit_rows(const SentenceEncoder& enc, const std::vector<std::string_view>& texts, std::vector<float>& out);

}  // namespace bitmill::encoder
