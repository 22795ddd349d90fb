// The two places where a Status leaves dirgraph (core/status.h, "error policy"):
//  - on the command line: an exit code and one line on stderr;
//  - over HTTP: a status code and the JSON body {"error":{"code":…,"message":…}}.
// Nothing else in server/ turns a Status into text for the outside.
#pragma once

#include <string>

#include "core/status.h"

namespace dg {

// Exit codes of `dirgraph`.
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailure = 1;  // the command ran and failed (I/O, database, input)
inline constexpr int kExitUsage = 2;    // bad arguments or input, unknown command, not built yet

// 0 for OK; kExitUsage for kInvalidArgument and kUnsupported; kExitFailure otherwise.
int ExitCode(const Status& status);

// Prints "dirgraph COMMAND: MESSAGE" (or "dirgraph: MESSAGE" when `command` is empty) as
// one line on stderr. Internal errors are marked "internal error: …". Prints nothing
// for an OK status.
void PrintError(const std::string& command, const Status& status);

// An HTTP error reply: the status code and the JSON body.
struct HttpErrorReply {
  int status = 500;
  std::string body;  // {"error":{"code":"not_found","message":"…"}}
};

// The reply for a non-OK `status`. 400 invalid argument, 404 not found, 409 conflict,
// 501 unsupported, 500 for the rest. For a 500 the message is a fixed "internal error":
// the Status's own message may name files or SQL and never reaches a client (the caller
// logs it).
HttpErrorReply HttpError(const Status& status);

// The JSON error body for errors that have no Status (routing: 404, 405, 413…).
// `code` is a short snake_case word ("method_not_allowed").
std::string HttpErrorBody(const std::string& code, const std::string& message);

// The snake_case word for a code in HTTP bodies: "invalid_argument", "not_found", …
const char* HttpCodeName(Code code);

}  // namespace dg
