#include "bitmill/base/status.h"

#include <cerrno>
#include <cstring>

namespace bitmill {

Status errno_status(const std::string& what, int err) {
  const StatusCode code = (err == ENOENT || err == ENOTDIR) ? StatusCode::kNotFound : StatusCode::kIoError;
  return Status(code, what + ": " + std::strerror(err));
}

int exit_code(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk: return 0;
    case StatusCode::kInvalidArgument: return 1;
    default: return 2;
  }
}

}  // namespace bitmill
