// Which documents of two collections are translations of each other.
//
// A document is embedded with the scheme of Thompson and Koehn (2020), which keeps the order of
// its sentences: each sentence's (unit) embedding, divided by the number of times its text occurs
// in its collection (boilerplate counts little), is spread over 16 position slots with the
// weights of a modified-PERT distribution peaked at the sentence's relative position (shape 20,
// on [-0.001, 1.001], peaks quantised to 100 steps); the 16 weighted sums, concatenated, scaled
// to unit length, are the document's vector. Two documents' score is the cosine of their vectors.
//
// The pairs are chosen one-to-one by competitive linking: all scores from the highest down, a pair
// taken when neither document is taken yet and the score is at least the threshold.
//
// Thread safety: pure functions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace bitmill::align {

inline constexpr size_t kDocSlots = 16;

// The weight of slot s (0..15) for a sentence at relative position c in [0, 1].
double pert_weight(double c, size_t s);

// The vector (kDocSlots * dim floats, unit length, or zero for an empty document) of a document
// whose sentences' unit embeddings are rows[i * dim ...], i < n, each weighted by weight[i].
std::vector<float> document_vector(const float* rows, const float* weight, size_t n, size_t dim);

struct DocPair {
  uint32_t src = 0, tgt = 0;
  float score = 0.0f;
};

// Competitive linking of src (ns vectors) with tgt (nt vectors), each `width` floats; pairs in
// order of src.
std::vector<DocPair> match_documents(const std::vector<float>& src, size_t ns, const std::vector<float>& tgt, size_t nt,
                                     size_t width, float threshold);

}  // namespace bitmill::align
