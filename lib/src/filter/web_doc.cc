#include "filter/web_doc.h"

#include <algorithm>

#include "filter/web_text.h"

namespace bitmill::filter::web {

void WebDoc::reset(std::string_view text, std::string_view lang, uint32_t token_needs, std::string* cleaned,
                   bool* changed) {
  text_ = text;
  lang_ = lang;
  current_ = text;
  current_is_text_ = true;
  current_tokens_.reset();
  needs_ = token_needs;
  cleaned_ = cleaned;
  changed_ = changed;
  *changed_ = false;
  chars_.reset();
  newlines_.reset();
  tokenized_ = false;
}

size_t WebDoc::chars() {
  if (!chars_) chars_ = utf8_length(text_);
  return *chars_;
}

size_t WebDoc::newlines() {
  if (!newlines_) newlines_ = static_cast<size_t>(std::count(text_.begin(), text_.end(), '\n'));
  return *newlines_;
}

const Tokens& WebDoc::tokens() {
  if (!tokenized_) tokenize();
  return tokens_;
}

void WebDoc::tokenize() {
  tokenized_ = true;
  Tokens& t = tokens_;
  t.count = t.words = t.word_chars = t.alpha = 0;
  t.hashes.clear();
  t.prefix.clear();
  t.starts.clear();
  t.ends.clear();
  t.prefix.push_back(0);
  const bool hashes = (needs_ & kTokenHashes) != 0;
  const bool starts = (needs_ & (kTokenStarts | kTokenSpans)) != 0;
  const bool ends = (needs_ & kTokenSpans) != 0;
  const std::string_view text = text_;
  for_each_token(text, [&](const char* b, const char* e, size_t cps, bool symbol, bool alpha) {
    ++t.count;
    if (starts) t.starts.push_back(static_cast<size_t>(b - text.data()));
    if (ends) t.ends.push_back(static_cast<size_t>(e - text.data()));
    if (!symbol) {
      ++t.words;
      t.word_chars += cps;
    }
    t.alpha += alpha;
    if (hashes) {
      t.hashes.push_back(hash64(std::string_view(b, static_cast<size_t>(e - b))));
      t.prefix.push_back(t.prefix.back() + cps);
    }
  });
}

void WebDoc::replace_text(std::string& cleaned, std::optional<size_t> tokens) {
  cleaned_->swap(cleaned);
  *changed_ = true;
  current_ = *cleaned_;
  current_is_text_ = false;
  current_tokens_ = tokens;
}

size_t WebDoc::current_tokens() {
  if (current_is_text_ && tokenized_) return tokens_.count;
  if (!current_is_text_ && current_tokens_) return *current_tokens_;
  return count_tokens(current_);
}

}  // namespace bitmill::filter::web
