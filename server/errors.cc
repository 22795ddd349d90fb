#include "server/errors.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

namespace dg {

int ExitCode(const Status& status) {
  switch (status.code()) {
    case Code::kOk:
      return kExitOk;
    case Code::kInvalidArgument:
    case Code::kUnsupported:
      return kExitUsage;
    case Code::kNotFound:
    case Code::kIoError:
    case Code::kCorrupt:
    case Code::kConflict:
    case Code::kInternal:
      return kExitFailure;
  }
  return kExitFailure;
}

void PrintError(const std::string& command, const Status& status) {
  if (status.ok()) return;
  std::string line = command.empty() ? "dirgraph: " : "dirgraph " + command + ": ";
  if (status.code() == Code::kInternal) line += "internal error: ";
  line += status.message();
  line += '\n';
  std::fputs(line.c_str(), stderr);
  std::fflush(stderr);
}

const char* HttpCodeName(Code code) {
  switch (code) {
    case Code::kOk:
      return "ok";
    case Code::kInvalidArgument:
      return "invalid_argument";
    case Code::kNotFound:
      return "not_found";
    case Code::kIoError:
      return "io_error";
    case Code::kCorrupt:
      return "corrupt";
    case Code::kUnsupported:
      return "unsupported";
    case Code::kConflict:
      return "conflict";
    case Code::kInternal:
      return "internal";
  }
  return "internal";
}

std::string HttpErrorBody(const std::string& code, const std::string& message) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.StartObject();
  w.Key("error");
  w.StartObject();
  w.Key("code");
  w.String(code.data(), static_cast<rapidjson::SizeType>(code.size()));
  w.Key("message");
  w.String(message.data(), static_cast<rapidjson::SizeType>(message.size()));
  w.EndObject();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

HttpErrorReply HttpError(const Status& status) {
  HttpErrorReply reply;
  switch (status.code()) {
    case Code::kInvalidArgument:
      reply.status = 400;
      break;
    case Code::kNotFound:
      reply.status = 404;
      break;
    case Code::kConflict:
      reply.status = 409;
      break;
    case Code::kUnsupported:
      reply.status = 501;
      break;
    case Code::kOk:  // not an error: a caller's bug, answered as one
    case Code::kIoError:
    case Code::kCorrupt:
    case Code::kInternal:
      reply.status = 500;
      break;
  }
  if (reply.status == 500) {
    reply.body = HttpErrorBody("internal", "internal error");
  } else {
    reply.body = HttpErrorBody(HttpCodeName(status.code()), status.message());
  }
  return reply;
}

}  // namespace dg
