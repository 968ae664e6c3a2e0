// Where bitmill finds the data files it ships beside its programs: <prefix>/share/bitmill/, found
// from the running executable (<prefix>/bin/..), so that a build tree (build/bin, build/share)
// and an installed prefix work alike, wherever they are.
//
// Thread safety: pure functions (they read /proc/self/exe and the file system).
#pragma once

#include <optional>
#include <string>

namespace bitmill {

// <directory of the running executable>/../share/bitmill/<relative>, normalised, when it exists
// (a file or a directory); std::nullopt otherwise.
std::optional<std::string> find_shared_data(const std::string& relative);

}  // namespace bitmill
