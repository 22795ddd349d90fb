// The error policy of dirgraph (see README.md, "Errors"):
//  - expected failures (bad input, missing file, SQLite errors, unknown ids) are values:
//    a function that can fail returns Status or Result<T>, never throws;
//  - assert() is for programmer errors only;
//  - exceptions of third-party libraries are caught at the module edge and become a Status;
//  - a Status is translated to the outside in exactly one place each: server/errors.h maps
//    it to an HTTP status and JSON body, server/cli.cc to an exit code and one stderr line.
#pragma once

#include <cassert>
#include <string>
#include <utility>
#include <variant>

namespace dg {

enum class Code {
  kOk = 0,
  kInvalidArgument,  // the caller's input is malformed (bad UTF-8, bad key, bad parameter)
  kNotFound,         // a named thing (file, id, document) does not exist
  kIoError,          // reading or writing a file failed
  kCorrupt,          // stored data is not what dirgraph wrote (not our database, damaged)
  kUnsupported,      // written by a newer version, or a feature not built yet
  kConflict,         // the request contradicts what is stored (ambiguous key, duplicate)
  kInternal,         // a bug or an unexpected library failure
};

const char* CodeName(Code c);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(Code code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return {}; }
  static Status Invalid(std::string m) { return {Code::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {Code::kNotFound, std::move(m)}; }
  static Status Io(std::string m) { return {Code::kIoError, std::move(m)}; }
  static Status Corrupt(std::string m) { return {Code::kCorrupt, std::move(m)}; }
  static Status Unsupported(std::string m) { return {Code::kUnsupported, std::move(m)}; }
  static Status Conflict(std::string m) { return {Code::kConflict, std::move(m)}; }
  static Status Internal(std::string m) { return {Code::kInternal, std::move(m)}; }

  bool ok() const { return code_ == Code::kOk; }
  Code code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid argument: <message>", or "ok".
  std::string ToString() const;
  // The same status with "context: " put before the message.
  Status WithContext(const std::string& context) const;

 private:
  Code code_ = Code::kOk;
  std::string message_;
};

// A value or the Status that explains why there is none. Holds a non-OK Status only.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) { assert(!std::get<Status>(v_).ok()); }  // NOLINT

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & { assert(ok()); return std::get<T>(v_); }
  const T& value() const& { assert(ok()); return std::get<T>(v_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace dg

// Returns early from the enclosing function with the Status of `expr` when it is not OK.
#define DG_RETURN_IF_ERROR(expr)            \
  do {                                      \
    ::dg::Status dg_status_ = (expr);       \
    if (!dg_status_.ok()) return dg_status_; \
  } while (0)
