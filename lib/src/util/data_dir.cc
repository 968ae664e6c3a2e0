#include "bitmill/util/data_dir.h"

#include <filesystem>

namespace bitmill {

std::optional<std::string> find_shared_data(const std::string& relative) {
  std::error_code ec;
  const std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec || exe.empty()) return std::nullopt;
  const std::filesystem::path p = (exe.parent_path() / ".." / "share" / "bitmill" / relative).lexically_normal();
  if (std::filesystem::exists(p, ec)) return p.string();
  return std::nullopt;
}

}  // namespace bitmill
