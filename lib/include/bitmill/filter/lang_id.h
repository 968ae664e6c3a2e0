// Language identification of one line of text, behind one interface with two engines:
//  - fastText with its lid.176 model (lid.176.ftz, 917 KiB, or lid.176.bin), through Debian's
//    libfasttext 0.9.2: 176 labels, the more accurate engine on sentences;
//  - CLD2 with its full tables (Debian's libcld2_full), no model file: the fallback.
//
// identify(text, k, out) replaces `out` with the k most probable languages of `text`, best first.
// `text` is one line: newlines are treated as spaces. Empty or all-white-space text gives no
// guesses; so does text in which the engine finds nothing (digits, punctuation, emoji; for
// fastText also words none of whose character n-grams survived the model's pruning, e.g. a lone
// "Hallo" for lid.176.ftz, where fastText itself would return its label prior, "en" at 0.125). A guess whose
// engine label is not in the language table (CLD2's script-only results such as "xx-Goth") has
// language == nullptr but keeps its label. Invalid UTF-8 does not crash either engine (CLD2 sees
// only the valid prefix, fastText hashes the bytes), but callers should pass valid UTF-8.
//
// Probabilities:
//  - fastText: the model's own softmax probability of the label (hierarchical softmax for
//    lid.176), clamped to [0, 1]. The k guesses need not sum to 1.
//  - CLD2: CLD2 reports, for its top 3 languages, the percentage of the text's letters in each,
//    and whether the top result is "reliable"; on short text it often declines (unknown), and
//    is then asked again for a best-effort guess. prob = percent / 100 x 1 (reliable), 0.8 (not
//    reliable) or 0.45 (best effort only): measured top-1 precision of these classes is about
//    99%, 96% and 75%, close to fastText's precision at probabilities >= 0.9, 0.75..0.9 and
//    0.25..0.5, so that one threshold acts roughly alike on both engines (0.5 rejects CLD2's
//    best-effort guesses).
//
// Errors (open_fasttext_lid): not_found naming the file when it does not exist; data_error naming
// the file when it is not a fastText supervised model or is truncated/corrupt. fastText itself
// loops forever, throws or aborts on some corrupt files, so the file's whole layout (header,
// arguments, dictionary, matrices, exact size) is checked before fastText sees it, and every
// exception from fastText is caught.
//
// Thread safety: an identifier is immutable after construction; identify() is const and
// re-entrant and may be called from many threads at once on one identifier.
//  - fastText 0.9.2 (checked in Debian's headers: every method on the prediction path is const
//    and no member is mutable; in upstream fasttext.cc's predictLine()/predict(); and by the
//    multi-threaded unit test): FastText::predictLine() is const all the way down. It calls
//    Dictionary::getLine() (const, locals only) and Model::predict() (const) with a
//    Model::State it constructs per call, which holds the only scratch (hidden and output
//    vectors); the hierarchical-softmax tree and quantized matrices are only read. The FastText
//    members that change (token count, loss) belong to training. identify() makes those same two
//    calls through a subclass, with a per-thread State and buffers (thread_local in lang_id.cc)
//    instead of fresh allocations per call.
//  - CLD2 keeps its scoring context on the stack and documents itself as thread safe.
#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "bitmill/base/status.h"
#include "bitmill/filter/language.h"

namespace bitmill::filter {

struct LangGuess {
  const Language* language = nullptr;  // nullptr if the label is not in the language table
  std::string label;                   // the engine's own label: "de", "zh-Hant", "xx-Goth"
  float prob = 0.0f;                   // 0..1
};

class LanguageIdentifier {
 public:
  virtual ~LanguageIdentifier() = default;
  // The k most probable languages of `text` (one line; newlines are treated as spaces), best
  // first, replacing the content of `out` (its strings' capacity is reused). Empty text gives no
  // guesses. Thread safe: const and re-entrant, called from many threads at once.
  virtual void identify(std::string_view text, size_t k, std::vector<LangGuess>& out) const = 0;
  virtual std::string_view engine() const = 0;  // "fasttext" or "cld2"
  // Whether some label of the engine names `lang` (or a language same_language() groups with it):
  // a language the engine cannot output would fail every check against it (Klingon, Zulu and
  // Kinyarwanda with lid.176). Linear in the labels: call it once, not per text.
  virtual bool can_name(const Language& lang) const = 0;
};

// fastText model (lid.176.ftz or .bin, or any fastText supervised model whose labels are language
// codes). Predictions by bitmill's reimplementation of fastText's (filter/fasttext_predictor.h:
// the same answers, about twice as fast on short lines), or by Debian's libfasttext for a model
// whose loss it does not implement, or when the environment has BITMILL_FASTTEXT=library (any
// value but "bitmill" or "library" is an invalid_argument error).
Expected<std::unique_ptr<LanguageIdentifier>> open_fasttext_lid(const std::string& model_path);

// CLD2 (libcld2_full), no model file.
std::unique_ptr<LanguageIdentifier> make_cld2_lid();

// Where the default fastText model is: $BITMILL_LID_MODEL if set and non-empty (returned even if
// the file is missing, so that opening it reports the name), else
// <directory of the running executable>/../share/bitmill/lid.176.ftz if that file exists (the
// build tree: build/bin/.. = build/, and the installed prefix), else std::nullopt.
std::optional<std::string> default_lid_model_path();

}  // namespace bitmill::filter
