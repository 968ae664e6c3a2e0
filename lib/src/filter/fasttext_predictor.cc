#include "filter/fasttext_predictor.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <iterator>

namespace bitmill::filter {
namespace {

constexpr int32_t kLossHs = 1, kLossSoftmax = 3;
constexpr int32_t kKsub = 256;  // fastText's product quantizer: 8-bit codes
constexpr std::string_view kEos = "</s>";
constexpr std::string_view kLabelPrefix = "__label__";  // Args::label, not saved in the model

// fastText's Dictionary::hash: FNV-1a over the bytes taken as signed chars.
uint32_t ft_hash(std::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) {
    h = h ^ static_cast<uint32_t>(static_cast<int8_t>(c));
    h = h * 16777619u;
  }
  return h;
}

// out := "<" + w + ">" (fastText's BOW and EOW around a word), without string concatenation,
// which GCC 12 warns about wrongly (-Wrestrict).
void bracket(std::string& out, std::string_view w) {
  out.resize(w.size() + 2);
  out.front() = '<';
  if (!w.empty()) std::memcpy(out.data() + 1, w.data(), w.size());
  out.back() = '>';
}

bool is_space(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0'; }

// Sequential reads of the (already checked) model file.
class Reader {
 public:
  explicit Reader(std::ifstream& in) : in_(in) {}
  template <typename T>
  T get() {
    T v{};
    in_.read(reinterpret_cast<char*>(&v), sizeof v);
    return v;
  }
  template <typename T>
  void get_array(std::vector<T>& v, size_t n) {
    v.resize(n);
    in_.read(reinterpret_cast<char*>(v.data()), static_cast<std::streamsize>(n * sizeof(T)));
  }
  std::string get_cstring() {
    std::string s;
    for (int c = in_.get(); c != 0 && c != std::char_traits<char>::eof(); c = in_.get())
      s.push_back(static_cast<char>(c));
    return s;
  }
  bool ok() const { return static_cast<bool>(in_); }

 private:
  std::ifstream& in_;
};

// fastText's ProductQuantizer: dim split into nsubq pieces of dsub (the last lastdsub), 256
// centroids each.
struct Pq {
  int32_t dim = 0, nsubq = 0, dsub = 0, lastdsub = 0;
  std::vector<float> centroids;

  void read(Reader& r) {
    dim = r.get<int32_t>();
    nsubq = r.get<int32_t>();
    dsub = r.get<int32_t>();
    lastdsub = r.get<int32_t>();
    r.get_array(centroids, static_cast<size_t>(dim) * kKsub);
  }
  const float* centroid(int32_t m, uint8_t i) const {
    if (m == nsubq - 1) return &centroids[static_cast<size_t>(m) * kKsub * dsub + static_cast<size_t>(i) * lastdsub];
    return &centroids[(static_cast<size_t>(m) * kKsub + i) * dsub];
  }
};

// A dense or product-quantized matrix, as fastText saves either.
struct Matrix {
  bool quant = false, qnorm = false;
  int64_t rows = 0, cols = 0;
  std::vector<float> dense;
  std::vector<uint8_t> codes, norm_codes;
  Pq pq, npq;

  void read(Reader& r, bool quantized) {
    quant = quantized;
    if (quant) {
      qnorm = r.get<uint8_t>() != 0;
      rows = r.get<int64_t>();
      cols = r.get<int64_t>();
      const auto codesize = r.get<int32_t>();
      r.get_array(codes, static_cast<size_t>(codesize));
      pq.read(r);
      if (qnorm) {
        r.get_array(norm_codes, static_cast<size_t>(rows));
        npq.read(r);
      }
    } else {
      rows = r.get<int64_t>();
      cols = r.get<int64_t>();
      r.get_array(dense, static_cast<size_t>(rows * cols));
    }
  }

  // Prefetches what add_row(i) reads: a row's codes (and norm code) at a random place.
  void prefetch_row(int64_t i) const {
    if (quant) {
      __builtin_prefetch(&codes[static_cast<size_t>(pq.nsubq * i)]);
      if (qnorm) __builtin_prefetch(&norm_codes[static_cast<size_t>(i)]);
    } else {
      __builtin_prefetch(&dense[static_cast<size_t>(i * cols)]);
    }
  }

  float norm(int64_t i) const { return qnorm ? npq.centroid(0, norm_codes[static_cast<size_t>(i)])[0] : 1.0f; }

  // x += row i (QuantMatrix::addRowToVector / ProductQuantizer::addcode).
  void add_row(float* x, int64_t i) const {
    if (!quant) {
      const float* row = &dense[static_cast<size_t>(i * cols)];
      for (int64_t j = 0; j < cols; ++j) x[j] += row[j];
      return;
    }
    const float alpha = norm(i);
    const uint8_t* code = &codes[static_cast<size_t>(pq.nsubq * i)];
    for (int32_t m = 0; m < pq.nsubq; ++m) {
      const float* c = pq.centroid(m, code[m]);
      const int32_t d = m == pq.nsubq - 1 ? pq.lastdsub : pq.dsub;
      for (int32_t n = 0; n < d; ++n) x[m * pq.dsub + n] += alpha * c[n];
    }
  }

  // Row i . x (DenseMatrix::dotRow / ProductQuantizer::mulcode).
  float dot_row(const float* x, int64_t i) const {
    if (!quant) {
      const float* row = &dense[static_cast<size_t>(i * cols)];
      float d = 0;
      for (int64_t j = 0; j < cols; ++j) d += row[j] * x[j];
      return d;
    }
    const uint8_t* code = &codes[static_cast<size_t>(pq.nsubq * i)];
    float res = 0;
    for (int32_t m = 0; m < pq.nsubq; ++m) {
      const float* c = pq.centroid(m, code[m]);
      const int32_t d = m == pq.nsubq - 1 ? pq.lastdsub : pq.dsub;
      for (int32_t n = 0; n < d; ++n) res += x[m * pq.dsub + n] * c[n];
    }
    return res * norm(i);
  }
};

// An open-addressing map from int32 keys (>= 0) to int32 values: the pruned buckets. Key and
// value side by side, so that a lookup (one per character n-gram, at random places in a table of
// megabytes) costs one cache miss.
class IntMap {
 public:
  void build(const std::vector<std::pair<int32_t, int32_t>>& pairs) {
    size_t cap = 16;
    while (cap < pairs.size() * 2) cap *= 2;
    slots_.assign(cap, Slot{});
    mask_ = cap - 1;
    for (const auto& [k, v] : pairs) {
      size_t i = slot(k);
      while (slots_[i].key != -1 && slots_[i].key != k) i = (i + 1) & mask_;
      slots_[i] = Slot{k, v};  // a repeated key: the last wins, as in fastText's map
    }
  }
  // Where find(key) starts looking, for a prefetch.
  const void* first_slot(int32_t key) const { return &slots_[slot(key)]; }
  // The value of `key`, or -1.
  int32_t find(int32_t key) const {
    for (size_t i = slot(key);; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return slots_[i].value;
      if (slots_[i].key == -1) return -1;
    }
  }

 private:
  struct Slot {
    int32_t key = -1, value = 0;
  };
  size_t slot(int32_t k) const { return (static_cast<uint32_t>(k) * 2654435761u) & mask_; }
  std::vector<Slot> slots_;
  size_t mask_ = 0;
};

}  // namespace

struct FastTextPredictor::Model {
  int32_t dim = 0, word_ngrams = 1, loss = 0, bucket = 0, minn = 0, maxn = 0;
  int32_t nwords = 0, nlabels = 0;
  int64_t pruneidx_size = -1;
  // Dictionary: entries (words first, then labels), a hash table of their ids by fastText's hash,
  // and each word's input ids (itself and its character n-grams).
  std::vector<std::string> entries;
  std::vector<int8_t> types;
  std::vector<int32_t> table;  // entry ids, -1 empty; size a power of two
  std::vector<std::vector<int32_t>> subwords;
  IntMap pruned;
  std::vector<std::string> labels;
  std::vector<int64_t> label_counts;
  Matrix input, output;
  // Hierarchical softmax: the Huffman tree over the labels (fastText's buildTree).
  std::vector<int32_t> left, right;
  int32_t eos_id = -1;

  int32_t find_entry(std::string_view w, uint32_t h) const {
    const size_t mask = table.size() - 1;
    for (size_t i = h & mask;; i = (i + 1) & mask) {
      const int32_t id = table[i];
      if (id == -1) return -1;
      if (entries[static_cast<size_t>(id)] == w) return id;
    }
  }

  // Dictionary::pushHash: bucket `id` into an input row, through the pruning map if any. With
  // `defer`, a bucket the map must translate is pushed as -2 - id, for resolve_pending().
  void push_hash(std::vector<int32_t>& out, int32_t id, bool defer = false) const {
    if (pruneidx_size == 0 || id < 0) return;
    if (pruneidx_size > 0) {
      if (defer) {
        out.push_back(-2 - id);
        return;
      }
      id = pruned.find(id);
      if (id < 0) return;
    }
    out.push_back(nwords + id);
  }

  // The deferred buckets of `ids` translated (prefetching the map's slots a few ahead: each
  // lookup is a cache miss), those the map lacks dropped, the order kept.
  void resolve_pending(std::vector<int32_t>& ids) const {
    constexpr size_t kAhead = 8;
    size_t out = 0;
    for (size_t i = 0; i < ids.size(); ++i) {
      if (i + kAhead < ids.size() && ids[i + kAhead] <= -2) __builtin_prefetch(pruned.first_slot(-2 - ids[i + kAhead]));
      int32_t id = ids[i];
      if (id <= -2) {
        id = pruned.find(-2 - id);
        if (id < 0) continue;
        id += nwords;
      }
      ids[out++] = id;
    }
    ids.resize(out);
  }

  // Dictionary::computeSubwords on "<word>" (passed with its brackets).
  void compute_subwords(std::string_view word, std::vector<int32_t>& out, bool defer = false) const {
    if (bucket <= 0) return;  // no n-gram buckets (fastText would divide by zero)
    const size_t n_bytes = word.size();
    for (size_t i = 0; i < n_bytes; ++i) {
      if ((static_cast<unsigned char>(word[i]) & 0xC0) == 0x80) continue;
      size_t j = i;
      for (int32_t n = 1; j < n_bytes && n <= maxn; ++n) {
        ++j;
        while (j < n_bytes && (static_cast<unsigned char>(word[j]) & 0xC0) == 0x80) ++j;
        if (n >= minn && !(n == 1 && (i == 0 || j == n_bytes))) {
          const auto h = static_cast<int32_t>(ft_hash(word.substr(i, j - i)) % static_cast<uint32_t>(bucket));
          push_hash(out, h, defer);
        }
      }
    }
  }

  void build_tree() {
    const int32_t osz = nlabels;
    const size_t nodes = 2 * static_cast<size_t>(osz) - 1;
    std::vector<int64_t> count(nodes, static_cast<int64_t>(1e15));
    left.assign(nodes, -1);
    right.assign(nodes, -1);
    for (int32_t i = 0; i < osz; ++i) count[static_cast<size_t>(i)] = label_counts[static_cast<size_t>(i)];
    int32_t leaf = osz - 1, node = osz;
    for (int32_t i = osz; i < 2 * osz - 1; ++i) {
      int32_t mini[2] = {0, 0};
      for (int32_t& m : mini) {
        if (leaf >= 0 && count[static_cast<size_t>(leaf)] < count[static_cast<size_t>(node)]) {
          m = leaf--;
        } else {
          m = node++;
        }
      }
      left[static_cast<size_t>(i)] = mini[0];
      right[static_cast<size_t>(i)] = mini[1];
      count[static_cast<size_t>(i)] = count[static_cast<size_t>(mini[0])] + count[static_cast<size_t>(mini[1])];
    }
  }
};

namespace {

// fastText's std_log.
float ft_log(float x) { return std::log(x + 1e-5f); }

bool better(const FastTextPredictor::Prediction& a, const FastTextPredictor::Prediction& b) {
  return a.first > b.first;
}

void hs_dfs(const FastTextPredictor::Model& m, int32_t k, int32_t node, float score, const float* hidden,
            std::vector<FastTextPredictor::Prediction>& heap) {
  if (score < ft_log(0.0f)) return;  // threshold 0, as predictLine uses
  if (static_cast<int32_t>(heap.size()) == k && score < heap.front().first) return;
  const auto n = static_cast<size_t>(node);
  if (m.left[n] == -1 && m.right[n] == -1) {
    heap.emplace_back(score, node);
    std::push_heap(heap.begin(), heap.end(), better);
    if (static_cast<int32_t>(heap.size()) > k) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.pop_back();
    }
    return;
  }
  float f = m.output.dot_row(hidden, node - m.nlabels);
  f = 1.0f / (1.0f + std::exp(-f));
  hs_dfs(m, k, m.left[n], score + ft_log(1.0f - f), hidden, heap);
  hs_dfs(m, k, m.right[n], score + ft_log(f), hidden, heap);
}

void softmax_top(const FastTextPredictor::Model& m, int32_t k, const float* hidden, std::vector<float>& out,
                 std::vector<FastTextPredictor::Prediction>& heap) {
  out.resize(static_cast<size_t>(m.nlabels));
  float mx = -INFINITY;
  for (int32_t i = 0; i < m.nlabels; ++i) {
    out[static_cast<size_t>(i)] = m.output.dot_row(hidden, i);
    mx = std::max(mx, out[static_cast<size_t>(i)]);
  }
  float z = 0;
  for (float& o : out) {
    o = std::exp(o - mx);
    z += o;
  }
  for (int32_t i = 0; i < m.nlabels; ++i) {
    const float score = ft_log(out[static_cast<size_t>(i)] / z);
    if (score < ft_log(0.0f)) continue;
    if (static_cast<int32_t>(heap.size()) == k && score < heap.front().first) continue;
    heap.emplace_back(score, i);
    std::push_heap(heap.begin(), heap.end(), better);
    if (static_cast<int32_t>(heap.size()) > k) {
      std::pop_heap(heap.begin(), heap.end(), better);
      heap.pop_back();
    }
  }
}

}  // namespace

FastTextPredictor::FastTextPredictor(std::unique_ptr<Model> m) : m_(std::move(m)) {}
FastTextPredictor::~FastTextPredictor() = default;

const std::vector<std::string>& FastTextPredictor::labels() const { return m_->labels; }

Expected<std::unique_ptr<FastTextPredictor>> FastTextPredictor::load(const std::string& path, std::string* why) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return io_error(path + ": cannot open the fastText model");
  Reader r(in);
  auto m = std::make_unique<Model>();
  (void)r.get<int32_t>();  // magic and version: checked by check_fasttext_model
  (void)r.get<int32_t>();
  int32_t a[12];  // dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate
  for (int32_t& v : a) v = r.get<int32_t>();
  (void)r.get<double>();
  m->dim = a[0];
  m->word_ngrams = a[5];
  m->loss = a[6];
  m->bucket = a[8];
  m->minn = a[9];
  m->maxn = a[10];
  if (m->loss != kLossHs && m->loss != kLossSoftmax) {
    *why = "loss " + std::to_string(m->loss) + " (only hs and softmax are reimplemented)";
    return std::unique_ptr<FastTextPredictor>();
  }
  const auto size = r.get<int32_t>();
  m->nwords = r.get<int32_t>();
  m->nlabels = r.get<int32_t>();
  (void)r.get<int64_t>();  // ntokens
  m->pruneidx_size = r.get<int64_t>();
  m->entries.resize(static_cast<size_t>(size));
  m->types.resize(static_cast<size_t>(size));
  for (int32_t i = 0; i < size; ++i) {
    m->entries[static_cast<size_t>(i)] = r.get_cstring();
    const auto count = r.get<int64_t>();
    m->types[static_cast<size_t>(i)] = r.get<int8_t>();
    if (i >= m->nwords) {
      m->labels.push_back(m->entries[static_cast<size_t>(i)]);
      m->label_counts.push_back(count);
    }
  }
  std::vector<std::pair<int32_t, int32_t>> pairs;
  for (int64_t i = 0; i < m->pruneidx_size; ++i) {
    const auto from = r.get<int32_t>();
    pairs.emplace_back(from, r.get<int32_t>());
  }
  m->pruned.build(pairs);
  const bool quant_input = r.get<uint8_t>() != 0;
  m->input.read(r, quant_input);
  const bool qout = r.get<uint8_t>() != 0;
  m->output.read(r, quant_input && qout);
  if (!r.ok()) return io_error(path + ": could not read the fastText model");

  // The entries' hash table (a later duplicate wins, as in fastText's word2int), and each word's
  // input ids: itself, then the n-grams of "<word>" (none for the end-of-line token).
  size_t cap = 16;
  while (cap < m->entries.size() * 2) cap *= 2;
  m->table.assign(cap, -1);
  for (int32_t i = 0; i < size; ++i) {
    const std::string& w = m->entries[static_cast<size_t>(i)];
    size_t j = ft_hash(w) & (cap - 1);
    while (m->table[j] != -1 && m->entries[static_cast<size_t>(m->table[j])] != w) j = (j + 1) & (cap - 1);
    m->table[j] = i;
  }
  m->subwords.resize(static_cast<size_t>(m->nwords));
  std::string bracketed;
  for (int32_t i = 0; i < m->nwords; ++i) {
    auto& sw = m->subwords[static_cast<size_t>(i)];
    sw.push_back(i);
    const std::string& w = m->entries[static_cast<size_t>(i)];
    if (w == kEos) continue;
    bracket(bracketed, w);
    m->compute_subwords(bracketed, sw);
  }
  m->eos_id = m->find_entry(kEos, ft_hash(kEos));
  if (m->loss == kLossHs) m->build_tree();
  return std::unique_ptr<FastTextPredictor>(new FastTextPredictor(std::move(m)));
}

void FastTextPredictor::predict(std::string_view text, int32_t k, Scratch& s, std::vector<Prediction>& out) const {
  const Model& m = *m_;
  out.clear();
  s.ids.clear();
  s.word_hashes.clear();
  // Tokens as Dictionary::getLine reads them from "text\n" with newlines turned into spaces.
  std::string& bracketed = s.bracketed;
  size_t i = 0;
  const size_t n = text.size();
  auto add_token = [&](std::string_view token) {
    const uint32_t h = ft_hash(token);
    const int32_t wid = m.find_entry(token, h);
    const bool label = wid >= 0 ? m.types[static_cast<size_t>(wid)] == 1 : token.starts_with(kLabelPrefix);
    if (label) return;
    if (wid >= 0) {
      const auto& sw = m.subwords[static_cast<size_t>(wid)];
      if (m.maxn <= 0) {
        s.ids.push_back(wid);
      } else {
        s.ids.insert(s.ids.end(), sw.begin(), sw.end());
      }
    } else if (token != kEos) {
      bracket(bracketed, token);
      m.compute_subwords(bracketed, s.ids, /*defer=*/true);
    }
    s.word_hashes.push_back(static_cast<int32_t>(h));
  };
  while (i < n) {
    while (i < n && is_space(text[i])) ++i;
    const size_t start = i;
    while (i < n && !is_space(text[i])) ++i;
    if (i > start) add_token(text.substr(start, i - start));
  }
  add_token(kEos);
  // Dictionary::addWordNgrams.
  const auto nh = m.bucket > 0 ? static_cast<int32_t>(s.word_hashes.size()) : 0;
  for (int32_t a = 0; a < nh; ++a) {
    // fastText widens its int32 hashes with their sign.
    uint64_t h = static_cast<uint64_t>(static_cast<int64_t>(s.word_hashes[static_cast<size_t>(a)]));
    for (int32_t b = a + 1; b < nh && b < a + m.word_ngrams; ++b) {
      h = h * 116049371 + static_cast<uint64_t>(static_cast<int64_t>(s.word_hashes[static_cast<size_t>(b)]));
      m.push_hash(s.ids, static_cast<int32_t>(h % static_cast<uint64_t>(m.bucket)), /*defer=*/true);
    }
  }
  m.resolve_pending(s.ids);
  // Only the end-of-line token: no evidence, no guess (see lang_id.h).
  if (s.ids.empty() || (s.ids.size() == 1 && s.ids[0] == m.eos_id)) return;
  s.hidden.assign(static_cast<size_t>(m.dim), 0.0f);
  constexpr size_t kAhead = 8;
  for (size_t j = 0; j < s.ids.size(); ++j) {
    if (j + kAhead < s.ids.size()) m.input.prefetch_row(s.ids[j + kAhead]);
    m.input.add_row(s.hidden.data(), s.ids[j]);
  }
  const float inv = 1.0f / static_cast<float>(s.ids.size());
  for (float& x : s.hidden) x *= inv;
  s.heap.clear();
  if (m.loss == kLossHs) {
    hs_dfs(m, k, 2 * m.nlabels - 2, 0.0f, s.hidden.data(), s.heap);
  } else {
    softmax_top(m, k, s.hidden.data(), s.output, s.heap);
  }
  std::sort_heap(s.heap.begin(), s.heap.end(), better);
  out.assign(s.heap.begin(), s.heap.end());
}

}  // namespace bitmill::filter
