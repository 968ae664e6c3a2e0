#include "bitmill/index/output_files.h"

#include <fmt/format.h>

#include <sys/stat.h>

#include "bitmill/index/faiss_index.h"

namespace bitmill::index {

Status check_output_file(const std::string& path) {
  struct stat st {};
  if (path != "-" && ::stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    return invalid_argument(path + ": not a regular file; outputs are files (or - for stdout where allowed)");
  }
  return Status::ok();
}

bool output_exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

Expected<std::optional<KeptIndex>> keep_complete_index(const std::string& path, uint64_t rows, size_t dim, bool force) {
  if (force || !output_exists(path)) return std::optional<KeptIndex>();
  BITMILL_ASSIGN_OR_RETURN(FaissIndex old, FaissIndex::load(path));
  if (old.dim() != dim || old.size() != rows || !old.is_trained()) {
    return data_error(fmt::format(
        "{} exists and holds {} vectors of dimension {}, not the {} of dimension {} this run builds: remove it or "
        "pass --force",
        path, old.size(), old.dim(), rows, dim));
  }
  return std::optional<KeptIndex>(KeptIndex{old.describe(), old.size(), old.dim()});
}

}  // namespace bitmill::index
