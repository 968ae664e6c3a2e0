#include "bitmill/align/pair_run.h"

#include <cstdio>
#include <unordered_map>
#include <vector>

#include "align/overlap_side.h"
#include "bitmill/align/doc_pairing.h"
#include "bitmill/align/documents.h"
#include "bitmill/encoder/embed_texts.h"
#include "bitmill/util/parallel.h"

namespace bitmill::align {
namespace {

Expected<std::vector<Document>> read_all(const std::string& path, InvalidUtf8Policy utf8) {
  BITMILL_ASSIGN_OR_RETURN(auto reader, DocumentReader::open(path, utf8));
  std::vector<Document> docs;
  Document d;
  while (true) {
    BITMILL_ASSIGN_OR_RETURN(const bool got, reader->next(d));
    if (!got) return docs;
    docs.push_back(std::move(d));
    d = Document{};
  }
}

// Every document's vector: its sentences embedded once per distinct text, each weighted by one
// over the text's count in the collection.
Expected<std::vector<float>> document_vectors(const encoder::SentenceEncoder& enc, const std::vector<Document>& docs,
                                              size_t& width) {
  std::unordered_map<std::string, uint32_t> id;
  std::vector<std::string> texts;
  std::vector<float> count;
  for (const Document& d : docs) {
    for (const std::string& s : d.sentences) {
      const auto [it, fresh] = id.emplace(s, static_cast<uint32_t>(texts.size()));
      if (fresh) {
        texts.push_back(s);
        count.push_back(0.0f);
      }
      count[it->second] += 1.0f;
    }
  }
  std::vector<float> rows;
  BITMILL_RETURN_IF_ERROR(
      encoder::embed_unit_rows(enc, std::vector<std::string_view>(texts.begin(), texts.end()), rows));
  const size_t dim = enc.dim();
  width = kDocSlots * dim;
  std::vector<float> out(docs.size() * width);
  parallel_loop(size_t{0}, docs.size(), [&](size_t k) {
    const Document& d = docs[k];
    std::vector<float> r(d.sentences.size() * dim), w(d.sentences.size());
    for (size_t i = 0; i < d.sentences.size(); ++i) {
      const uint32_t t = id.at(d.sentences[i]);
      std::copy_n(&rows[t * dim], dim, &r[i * dim]);
      w[i] = 1.0f / count[t];
    }
    const std::vector<float> v = document_vector(r.data(), w.data(), d.sentences.size(), dim);
    std::copy(v.begin(), v.end(), &out[k * width]);
  });
  return out;
}

}  // namespace

Expected<PairStats> run_pair(const std::string& src_path, const std::string& tgt_path,
                             const encoder::SentenceEncoder& enc, OutputStream& pairs, OutputStream* beads,
                             const PairRunOptions& opts) {
  BITMILL_ASSIGN_OR_RETURN(const std::vector<Document> src, read_all(src_path, opts.utf8));
  BITMILL_ASSIGN_OR_RETURN(const std::vector<Document> tgt, read_all(tgt_path, opts.utf8));
  size_t width = 0;
  BITMILL_ASSIGN_OR_RETURN(const std::vector<float> sv, document_vectors(enc, src, width));
  BITMILL_ASSIGN_OR_RETURN(const std::vector<float> tv, document_vectors(enc, tgt, width));
  const std::vector<DocPair> found = match_documents(sv, src.size(), tv, tgt.size(), width, opts.threshold);
  PairStats st{src.size(), tgt.size(), found.size(), 0};
  char line[96];
  for (const DocPair& p : found) {
    std::snprintf(line, sizeof line, "%u\t%u\t%.4f", p.src, p.tgt, static_cast<double>(p.score));
    BITMILL_RETURN_IF_ERROR(pairs.write_line(line));
  }
  if (beads == nullptr) return st;
  std::vector<std::string> out(found.size());
  std::vector<Status> status(found.size(), Status::ok());
  std::vector<uint64_t> n(found.size(), 0);
  const Source from{&enc, nullptr};
  const size_t layers = opts.params.max_size - 1;
  parallel_loop(size_t{0}, found.size(), [&](size_t i) {
    const Document& s = src[found[i].src];
    const Document& t = tgt[found[i].tgt];
    auto ss = make_side(from, s, 0, layers);
    auto ts = make_side(from, t, 0, layers);
    if (!ss.has_value() || !ts.has_value()) {
      status[i] = !ss.has_value() ? ss.status() : ts.status();
      return;
    }
    const std::vector<Bead> b = align_pair(*ss, *ts, opts.params, found[i].src);
    n[i] = b.size();
    out[i] = format_beads(std::to_string(found[i].src), s, t, b);
  });
  for (size_t i = 0; i < found.size(); ++i) {
    BITMILL_RETURN_IF_ERROR(status[i]);
    BITMILL_RETURN_IF_ERROR(beads->write(out[i]));
    st.beads += n[i];
  }
  return st;
}

}  // namespace bitmill::align
