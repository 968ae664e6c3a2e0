#include "bitmill/encoder/embed_run.h"

#include <algorithm>
#include <numeric>

#include "bitmill/util/half.h"
#include "bitmill/util/ordered_pipeline.h"
#include "bitmill/util/temp_file.h"

namespace bitmill::encoder {
namespace {

struct Chunk {
  std::vector<std::string> texts;
  std::vector<std::vector<int32_t>> ids;
  std::vector<float> rows;  // texts.size() x dim
  uint64_t raw_bytes = 0;
  uint64_t tokens = 0;
  uint64_t empty = 0;
};

// Reads lines from an InputSet across block boundaries.
class LineSource {
 public:
  explicit LineSource(InputSet& in) : in_(in) {}
  // Next line (view valid until the next call) with its file name and line number.
  Expected<bool> next(std::string_view& line, const std::string*& file, uint64_t& number) {
    while (pos_ >= block_.size()) {
      BITMILL_ASSIGN_OR_RETURN(bool more, in_.next_block(block_));
      if (!more) return false;
      pos_ = 0;
    }
    line = block_.line(pos_);
    file = &in_.names()[block_.input];
    number = block_.numbers[pos_];
    ++pos_;
    return true;
  }

 private:
  InputSet& in_;
  LineBlock block_;
  size_t pos_ = 0;
};

// The text of `line` to embed: the whole line, or its --column.
Expected<std::string_view> embedded_text(std::string_view line, const std::string& file, uint64_t number,
                                         const EmbedOptions& o) {
  if (o.column == 0) return line;
  size_t start = 0;
  for (size_t k = 1; k < o.column && start != std::string_view::npos; ++k) {
    const size_t tab = line.find('\t', start);
    start = tab == std::string_view::npos ? tab : tab + 1;
  }
  if (start == std::string_view::npos) {
    return data_error(file + ":" + std::to_string(number) + ": no column " + std::to_string(o.column) + " (--column)");
  }
  return line.substr(start, line.find('\t', start) - start);
}

// Fills c.texts with the next chunk_lines lines (fewer at the end of the input, none past it).
Status read_chunk(LineSource& source, const EmbedOptions& o, Chunk& c) {
  c.texts.clear();
  c.empty = 0;
  std::string_view line;
  const std::string* file = nullptr;
  uint64_t number = 0;
  while (c.texts.size() < o.chunk_lines) {
    BITMILL_ASSIGN_OR_RETURN(bool more, source.next(line, file, number));
    if (!more) break;
    BITMILL_ASSIGN_OR_RETURN(std::string_view text, embedded_text(line, *file, number, o));
    if (text.empty()) ++c.empty;
    std::string s = o.prefix;
    s.append(text);
    c.texts.push_back(std::move(s));
  }
  return Status::ok();
}

Status encode_chunk(const SentenceEncoder& enc, const EmbedOptions& o, Chunk& c) {
  const size_t n = c.texts.size(), dim = enc.dim();
  c.ids.resize(n);
  c.tokens = 0;
  for (size_t i = 0; i < n; ++i) {
    BITMILL_RETURN_IF_ERROR(enc.tokenize(c.texts[i], c.ids[i]));
    c.tokens += c.ids[i].size();
  }
  // Similar lengths together keep attention work proportional to real tokens.
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return c.ids[a].size() < c.ids[b].size(); });
  c.rows.assign(n * dim, 0.0f);
  std::vector<const std::vector<int32_t>*> batch;
  std::vector<size_t> members;
  std::vector<float> out;
  size_t i = 0;
  while (i < n) {
    batch.clear();
    members.clear();
    size_t tokens = 0;
    while (i < n && (batch.empty() || tokens + c.ids[order[i]].size() <= o.batch_tokens)) {
      batch.push_back(&c.ids[order[i]]);
      members.push_back(order[i]);
      tokens += c.ids[order[i]].size();
      ++i;
    }
    out.resize(batch.size() * dim);
    enc.embed(batch, out.data());
    for (size_t b = 0; b < members.size(); ++b) {
      std::copy_n(&out[b * dim], dim, &c.rows[members[b] * dim]);
    }
  }
  return Status::ok();
}

// Writes rows as f32 or f16 bytes.
class RowWriter {
 public:
  RowWriter(OutputStream& out, TempFile* spool, VecType t) : out_(out), spool_(spool), type_(t) {}
  Status write(const float* rows, size_t count) {
    if (type_ == VecType::kF32) {
      return put(reinterpret_cast<const char*>(rows), count * sizeof(float));
    }
    buf_.resize(count);
    for (size_t i = 0; i < count; ++i) buf_[i] = f32_to_f16(rows[i]);
    return put(reinterpret_cast<const char*>(buf_.data()), count * sizeof(uint16_t));
  }

 private:
  Status put(const char* p, size_t n) {
    if (spool_ != nullptr) return spool_->append(p, n);
    return out_.write(std::string_view(p, n));
  }
  OutputStream& out_;
  TempFile* spool_;
  VecType type_;
  std::vector<uint16_t> buf_;
};

}  // namespace

Expected<EmbedStats> run_embed(InputSet& inputs, const SentenceEncoder& enc, OutputStream& out, const EmbedOptions& o,
                               Progress* progress) {
  EmbedStats stats;
  stats.dim = enc.dim();
  const bool npy = o.format == OutputFormat::kNpy;
  const bool in_place = npy && out.patchable();
  TempFile spool;
  if (npy && !in_place) {
    BITMILL_ASSIGN_OR_RETURN(spool, TempFile::create(o.tmp_dir));
  }
  const std::string placeholder = npy_header(0, stats.dim, o.dtype);
  if (in_place) BITMILL_RETURN_IF_ERROR(out.write(placeholder));
  RowWriter writer(out, npy && !in_place ? &spool : nullptr, o.dtype);

  LineSource source(inputs);
  const Status run = run_ordered_pipeline<Chunk>(
      std::max<size_t>(2, o.threads * 2),
      [&](Chunk& c) -> Expected<bool> {
        BITMILL_RETURN_IF_ERROR(read_chunk(source, o, c));
        c.raw_bytes = inputs.raw_bytes_read();
        return !c.texts.empty();
      },
      [&](Chunk& c) { return encode_chunk(enc, o, c); },
      [&](Chunk& c) -> Status {
        BITMILL_RETURN_IF_ERROR(writer.write(c.rows.data(), c.rows.size()));
        stats.sentences += c.texts.size();
        stats.tokens += c.tokens;
        stats.empty += c.empty;
        if (progress != nullptr) progress->update(stats.sentences, c.raw_bytes);
        return Status::ok();
      });
  if (!run.is_ok()) return run;
  if (npy) {
    const std::string header = npy_header(stats.sentences, stats.dim, o.dtype);
    if (in_place) {
      if (header.size() != placeholder.size()) return internal_error("npy header size changed");
      BITMILL_RETURN_IF_ERROR(out.patch(0, header));
    } else {
      BITMILL_RETURN_IF_ERROR(out.write(header));
      std::vector<char> buf(1 << 20);
      for (uint64_t off = 0; off < spool.size();) {
        BITMILL_ASSIGN_OR_RETURN(size_t got, spool.read_at(buf.data(), buf.size(), off));
        if (got == 0) return io_error("spill file: short read");
        BITMILL_RETURN_IF_ERROR(out.write(std::string_view(buf.data(), got)));
        off += got;
      }
    }
  }
  return stats;
}

}  // namespace bitmill::encoder
