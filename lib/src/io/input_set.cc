#include "bitmill/io/input_set.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

namespace bitmill {

Expected<std::unique_ptr<InputSet>> InputSet::open(std::vector<std::string> paths, const InputSetOptions& opts) {
  if (paths.empty()) paths.emplace_back("-");
  size_t stdin_uses = 0;
  for (const auto& p : paths) stdin_uses += p == "-" ? 1 : 0;
  if (stdin_uses > 1) return invalid_argument("'-' (stdin) can be given only once");
  std::vector<std::string> names;
  for (size_t i = 0; i < paths.size(); ++i) {
    if (opts.shard_by == ShardBy::kFile && !opts.shard.contains(i)) continue;
    names.push_back(paths[i]);
  }
  std::optional<uint64_t> total = uint64_t{0};
  for (const auto& p : names) {
    if (p == "-") {
      total.reset();
      continue;
    }
    const int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return errno_status(p, errno);
    struct stat st {};
    const bool ok = ::fstat(fd, &st) == 0;
    ::close(fd);
    if (ok && S_ISDIR(st.st_mode)) return io_error(p + ": is a directory");
    if (ok && S_ISREG(st.st_mode) && total)
      *total += static_cast<uint64_t>(st.st_size);
    else
      total.reset();
  }
  return std::unique_ptr<InputSet>(new InputSet(std::move(names), opts, total));
}

InputSet::InputSet(std::vector<std::string> names, const InputSetOptions& opts, std::optional<uint64_t> total)
    : names_(std::move(names)), opts_(opts), total_(total) {}

Expected<bool> InputSet::next_block(LineBlock& block) {
  block.clear();
  const bool by_line = opts_.shard_by == ShardBy::kLine && !opts_.shard.is_whole();
  for (;;) {
    if (!reader_) {
      if (next_input_ >= names_.size()) return false;
      BITMILL_ASSIGN_OR_RETURN(reader_, LineReader::open(names_[next_input_], opts_.invalid_utf8));
      if (by_line) reader_->restrict_to(opts_.shard, ordinal_base_);
      current_ = static_cast<uint32_t>(next_input_);
      ++next_input_;
    }
    block.input = current_;
    block.first_ordinal = selected_;
    Line line;
    for (;;) {
      BITMILL_ASSIGN_OR_RETURN(bool more, reader_->next(line));
      if (!more) break;
      block.data.append(line.text);
      block.data.push_back('\n');
      block.ends.push_back(static_cast<uint32_t>(block.data.size()));
      block.numbers.push_back(line.number);
      ++selected_;
      // A block holds at least one line; the 32-bit offsets bound it below 4 GiB.
      if (block.data.size() >= opts_.block_bytes) return true;
    }
    ordinal_base_ += reader_->lines_read();
    done_raw_ += reader_->stream().raw_bytes_read();
    done_lines_ += reader_->lines_read();
    done_skipped_ += reader_->lines_skipped();
    done_replaced_ += reader_->lines_replaced();
    reader_.reset();
    if (block.size() > 0) return true;
  }
}

uint64_t InputSet::raw_bytes_read() const { return done_raw_ + (reader_ ? reader_->stream().raw_bytes_read() : 0); }
uint64_t InputSet::lines_read() const { return done_lines_ + (reader_ ? reader_->lines_read() : 0); }
uint64_t InputSet::lines_skipped() const { return done_skipped_ + (reader_ ? reader_->lines_skipped() : 0); }
uint64_t InputSet::lines_replaced() const { return done_replaced_ + (reader_ ? reader_->lines_replaced() : 0); }

}  // namespace bitmill
