#include "bitmill/cli/streams.h"

namespace bitmill::cli {

Expected<Streams> open_streams(const std::vector<std::string>& inputs, const InputSetOptions& io,
                               const std::string& shard_by, const std::string& out, const std::string& second,
                               Log& log) {
  Streams s;
  BITMILL_ASSIGN_OR_RETURN(s.inputs, InputSet::open(inputs, io));
  if (!io.shard.is_whole()) log.info("shard {} by {}", io.shard.to_string(), shard_by);
  BITMILL_ASSIGN_OR_RETURN(s.out, OutputStream::open(out));
  if (!second.empty()) {
    BITMILL_ASSIGN_OR_RETURN(s.second, OutputStream::open(second));
  }
  return s;
}

}  // namespace bitmill::cli
