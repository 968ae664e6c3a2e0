// Errors as values. Every fallible library call returns a Status or an Expected<T>;
// only a tool's main() turns a Status into an exit code (see exit_code()).
//
// Thread safety: Status and Expected are plain values; share them like any other value type.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace bitmill {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller asked for something malformed (bad option value): exit 1
  kNotFound,         // a named file does not exist: exit 2
  kDataError,        // the input is malformed (invalid UTF-8, truncated archive, wrong column count): exit 2
  kIoError,          // the system refused (read/write/rename failed, disk full): exit 2
  kUnavailable,      // the feature exists in the plan but not in this build: exit 2
  kInternal,         // a bug: exit 2
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // ok
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return {}; }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // Returns a copy whose message is "prefix: message" (used to add a file name or line number
  // where the callee did not know it).
  Status with_prefix(const std::string& prefix) const {
    if (is_ok()) return *this;
    return Status(code_, prefix + ": " + message_);
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status invalid_argument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
inline Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status data_error(std::string m) { return {StatusCode::kDataError, std::move(m)}; }
inline Status io_error(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
inline Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
inline Status internal_error(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

// The message of the current errno, "file: strerror" style, as an I/O (or not-found) Status.
Status errno_status(const std::string& what, int err);

// Process exit code for a status: 0 ok, 1 usage, 2 data or I/O error.
int exit_code(const Status& s);

// A value or the Status that explains why there is none.
template <typename T>
class [[nodiscard]] Expected {
 public:
  Expected(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design, as std::expected
  Expected(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).is_ok()); }  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<T>(v_); }
  const T& value() const& { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  // The error; Status::ok() when a value is held.
  Status status() const { return has_value() ? Status::ok() : std::get<Status>(v_); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace bitmill

// Propagates a non-ok Status to the caller.
#define BITMILL_RETURN_IF_ERROR(expr)   \
  do {                                  \
    ::bitmill::Status _bm_st = (expr);  \
    if (!_bm_st.is_ok()) return _bm_st; \
  } while (0)

#define BITMILL_CONCAT_INNER(a, b) a##b
#define BITMILL_CONCAT(a, b) BITMILL_CONCAT_INNER(a, b)

// Declares `lhs` from an Expected<T> expression or returns its Status.
#define BITMILL_ASSIGN_OR_RETURN(lhs, expr) BITMILL_ASSIGN_OR_RETURN_IMPL(BITMILL_CONCAT(_bm_exp_, __LINE__), lhs, expr)
#define BITMILL_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                                  \
  if (!tmp.has_value()) return tmp.status();          \
  lhs = std::move(tmp).value()
