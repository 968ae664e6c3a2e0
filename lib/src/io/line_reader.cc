#include "bitmill/io/line_reader.h"

#include <cstring>

namespace bitmill {

namespace {
constexpr size_t kInitialBuffer = 1 << 20;
}

Expected<std::unique_ptr<LineReader>> LineReader::open(const std::string& path, InvalidUtf8Policy policy) {
  BITMILL_ASSIGN_OR_RETURN(auto in, open_input(path));
  return std::make_unique<LineReader>(std::move(in), policy);
}

LineReader::LineReader(std::unique_ptr<InputStream> in, InvalidUtf8Policy policy)
    : in_(std::move(in)), policy_(policy), buf_(kInitialBuffer) {}

Status LineReader::fill() {
  // Move the unfinished line to the front, grow if it fills the buffer, then read more.
  if (pos_ > 0) {
    std::memmove(buf_.data(), buf_.data() + pos_, end_ - pos_);
    end_ -= pos_;
    pos_ = 0;
  }
  if (end_ == buf_.size()) {
    if (buf_.size() >= kMaxLineBytes) {
      return data_error(name() + ":" + std::to_string(number_ + 1) + ": line longer than " +
                        std::to_string(kMaxLineBytes >> 20) + " MiB (is this a binary file?)");
    }
    buf_.resize(std::min(buf_.size() * 2, kMaxLineBytes));
  }
  BITMILL_ASSIGN_OR_RETURN(size_t got, in_->read(buf_.data() + end_, buf_.size() - end_));
  if (got == 0) eof_ = true;
  end_ += got;
  return Status::ok();
}

Expected<bool> LineReader::next(Line& line) {
  for (;;) {
    std::string_view text;
    bool found = false;
    while (!found) {
      const char* start = buf_.data() + pos_;
      const auto* nl = static_cast<const char*>(std::memchr(start + scan_, '\n', end_ - pos_ - scan_));
      if (nl != nullptr) {
        text = std::string_view(start, static_cast<size_t>(nl - start));
        pos_ += text.size() + 1;
        scan_ = 0;
        found = true;
      } else if (eof_) {
        if (pos_ == end_) return false;
        text = std::string_view(start, end_ - pos_);
        pos_ = end_;
        scan_ = 0;
        found = true;
      } else {
        scan_ = end_ - pos_;
        BITMILL_RETURN_IF_ERROR(fill());
      }
    }
    ++number_;
    if (!shard_.is_whole() && !shard_.contains(ordinal_base_ + number_ - 1)) continue;
    const size_t bad = find_invalid_utf8(text);
    if (bad == std::string_view::npos) {
      line = Line{text, number_};
      return true;
    }
    switch (policy_) {
      case InvalidUtf8Policy::kFail:
        return data_error(name() + ":" + std::to_string(number_) + ": invalid UTF-8 at byte " +
                          std::to_string(bad + 1) + " (use --invalid-utf8 skip|replace to continue past such lines)");
      case InvalidUtf8Policy::kSkip: ++skipped_; continue;
      case InvalidUtf8Policy::kKeep: line = Line{text, number_}; return true;
      case InvalidUtf8Policy::kReplace:
        ++replaced_;
        scratch_.clear();
        append_replacing_invalid_utf8(text, scratch_);
        line = Line{scratch_, number_};
        return true;
    }
  }
}

}  // namespace bitmill
