// sentencepiece.bpe.model (XLM-R and other fairseq checkpoints) through libsentencepiece, with the
// id layout of transformers' XLMRobertaTokenizer: fairseq put <s> <pad> </s> <unk> first and
// shifted SentencePiece's ids by one, so piece i becomes i + 1 and SentencePiece's <unk> (id 0)
// becomes fairseq's 3; <mask> comes after the last piece.
#include <sentencepiece_processor.h>

#include <exception>

#include "bitmill/text/utf8.h"
#include "text/tokenizer_pipeline.h"

namespace bitmill::text::detail {
namespace {

constexpr int32_t kBos = 0, kPad = 1, kEos = 2, kUnk = 3, kFairseqOffset = 1;

class SentencePieceTokenizer final : public Tokenizer {
 public:
  SentencePieceTokenizer(std::unique_ptr<sentencepiece::SentencePieceProcessor> sp, size_t max_length)
      : sp_(std::move(sp)), max_length_(max_length) {}

  Status encode(std::string_view text, std::vector<int32_t>& ids) const override {
    std::vector<int> pieces;
    BITMILL_RETURN_IF_ERROR(pieces_of(text, pieces, ids));
    const size_t n = std::min(pieces.size(), max_length_ - 2);
    ids.reserve(n + 2);
    ids.push_back(kBos);
    for (size_t i = 0; i < n; ++i) ids.push_back(fairseq_id(pieces[i]));
    ids.push_back(kEos);
    return Status::ok();
  }

  Status encode_plain(std::string_view text, std::vector<int32_t>& ids) const override {
    std::vector<int> pieces;
    BITMILL_RETURN_IF_ERROR(pieces_of(text, pieces, ids));
    ids.reserve(pieces.size());
    for (int p : pieces) ids.push_back(fairseq_id(p));
    return Status::ok();
  }

  int32_t pad_id() const override { return kPad; }
  // The pieces shifted by one, plus <mask>.
  size_t vocab_size() const override { return static_cast<size_t>(sp_->GetPieceSize()) + kFairseqOffset + 1; }
  size_t max_length() const override { return max_length_; }
  std::string_view description() const override { return "sentencepiece.bpe.model (XLM-R ids)"; }

 private:
  static int32_t fairseq_id(int piece) { return piece == 0 ? kUnk : piece + kFairseqOffset; }

  // SentencePiece's pieces of `text`; clears `ids` first.
  Status pieces_of(std::string_view text, std::vector<int>& pieces, std::vector<int32_t>& ids) const {
    ids.clear();
    if (const size_t bad = find_invalid_utf8(text); bad != std::string_view::npos) {
      return data_error("invalid UTF-8 at byte " + std::to_string(bad));
    }
    sentencepiece::util::Status st;
    try {
      st = sp_->Encode(text, &pieces);
    } catch (const std::exception& e) {
      return internal_error(std::string("sentencepiece: ") + e.what());
    }
    if (!st.ok()) return internal_error("sentencepiece: " + st.ToString());
    // A damaged model can give pieces outside the vocabulary; the encoder would index its
    // embedding table with them.
    for (int p : pieces) {
      if (p < 0 || static_cast<size_t>(fairseq_id(p)) >= vocab_size()) {
        return data_error("sentencepiece model: piece id " + std::to_string(p) + " is outside its vocabulary of " +
                          std::to_string(vocab_size()));
      }
    }
    return Status::ok();
  }

  std::unique_ptr<sentencepiece::SentencePieceProcessor> sp_;
  size_t max_length_;
};

}  // namespace

Expected<std::unique_ptr<Tokenizer>> load_sentencepiece_bpe(const std::string& path, size_t max_length) {
  if (max_length <= 2) {
    return invalid_argument(path + ": max_length " + std::to_string(max_length) +
                            " leaves no room for text next to the 2 special tokens");
  }
  // Read it ourselves so that a missing or unreadable file gets the usual errno message.
  BITMILL_ASSIGN_OR_RETURN(const std::string bytes, read_text_file(path));
  auto sp = std::make_unique<sentencepiece::SentencePieceProcessor>();
  // libsentencepiece validates little of the model and throws from its trie builder (darts-clone)
  // on some malformed ones, e.g. an empty piece: caught here so that it is an error, not an abort.
  try {
    if (const auto st = sp->LoadFromSerializedProto(bytes); !st.ok()) {
      return data_error(path + ": not a SentencePiece model: " + st.ToString());
    }
  } catch (const std::exception& e) {
    return data_error(path + ": not a SentencePiece model: " + e.what());
  }
  // The fairseq mapping assumes SentencePiece's default layout, <unk> at 0.
  if (sp->unk_id() != 0) {
    return data_error(path + ": <unk> has id " + std::to_string(sp->unk_id()) +
                      ", not 0; the fairseq id mapping does not apply");
  }
  // The special tokens' ids (up to <unk>, 3) must lie inside the vocabulary, pieces + 2 ids.
  if (static_cast<int64_t>(sp->GetPieceSize()) + kFairseqOffset + 1 <= kUnk) {
    return data_error(path + ": too few pieces (" + std::to_string(sp->GetPieceSize()) +
                      ") for XLM-R's special tokens");
  }
  return std::unique_ptr<Tokenizer>(std::make_unique<SentencePieceTokenizer>(std::move(sp), max_length));
}

}  // namespace bitmill::text::detail
