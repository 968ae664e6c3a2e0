#include "bitmill/index/build_request.h"

#include "bitmill/index/output_files.h"
#include "bitmill/io/output_stream.h"

namespace bitmill::index {

Status check_build_request(const BuildRequest& r, bool shard_given) {
  if (r.output.empty()) return invalid_argument("-o INDEX is required");
  if (r.inputs.empty()) return invalid_argument("no embedding files given (EMB...)");
  if (!r.trained.empty() && !r.factory.empty()) {
    return invalid_argument("--factory and --trained exclude each other: the trained index fixes the index type");
  }
  if (!r.trained.empty() && r.train_size > 0) {
    return invalid_argument("--train-size and --trained exclude each other: the index is trained already");
  }
  if (r.train_only && !r.trained.empty()) return invalid_argument("--train-only and --trained exclude each other");
  BITMILL_RETURN_IF_ERROR(check_output_file(r.output));
  if (!r.stats.empty()) BITMILL_RETURN_IF_ERROR(check_output_file(r.stats));
  for (const std::string& in : r.inputs) {
    if (same_output(in, r.output)) return invalid_argument(r.output + " is both an input and the output");
  }
  if (!r.trained.empty() && same_output(r.trained, r.output)) {
    return invalid_argument(r.output + " is both the trained index and the output: each shard needs its own file");
  }
  if (r.train_only && r.recall_sample > 0) {
    return invalid_argument("--check-recall needs vectors, and --train-only adds none");
  }
  if (r.train_only && shard_given) {
    return invalid_argument("--train-only trains on a sample of every row: --shard does not apply");
  }
  return Status::ok();
}

}  // namespace bitmill::index
