#include "ingest/input.h"

#include <fcntl.h>
#include <rapidjson/document.h>
#include <rapidjson/error/en.h>
#include <simdjson.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iterator>
#include <string_view>
#include <system_error>

#include "core/utf8.h"

namespace dg {
namespace fs = std::filesystem;

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  if (s.size() < suffix.size()) return false;
  for (size_t i = 0; i < suffix.size(); ++i) {
    char c = s[s.size() - suffix.size() + i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != suffix[i]) return false;
  }
  return true;
}

bool IsArticleFile(std::string_view name) {
  return EndsWith(name, ".txt") || EndsWith(name, ".htm") || EndsWith(name, ".html");
}

// The part after the last '/' (std::filesystem's filename() on POSIX, without its
// allocations: this runs once per article).
std::string FileName(const std::string& path) {
  const size_t slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// Whether lexically_normal() leaves `path` as it is: no empty, "." or ".." part (a
// leading '/' and a trailing one aside). Most paths are, and normalizing allocates a part
// at a time.
bool IsNormal(std::string_view path) {
  if (path.empty()) return false;
  size_t start = path[0] == '/' ? 1 : 0;
  while (start < path.size()) {
    size_t end = path.find('/', start);
    if (end == std::string_view::npos) end = path.size();
    std::string_view part = path.substr(start, end - start);
    if (part.empty() || part == "." || part == "..") return false;
    start = end + 1;
  }
  return true;
}

std::string Normal(const std::string& path) {
  std::string n = IsNormal(path) ? path : fs::path(path).lexically_normal().string();
  // "dir/" -> "dir/." would read oddly in messages; keep the folder's own spelling.
  if (n.size() > 1 && n.back() == '/') n.pop_back();
  return n.empty() ? path : n;
}

// "dir/a.txt: no such file or directory"
Status FromErrno(const std::string& path, int err) {
  std::string m = path + ": " + std::strerror(err);
  if (err == ENOENT || err == ENOTDIR) return Status::NotFound(std::move(m));
  return Status::Io(std::move(m));
}

Status FromErrorCode(const std::string& path, const std::error_code& ec) {
  std::string m = path + ": " + ec.message();
  if (ec == std::errc::no_such_file_or_directory) return Status::NotFound(std::move(m));
  return Status::Io(std::move(m));
}

// "big.txt: 200 MiB, larger than 64 MiB: not an article"
Status TooLarge(const std::string& path, uint64_t size) {
  const std::string mib = std::to_string(size >> 20);
  return Status::Invalid(path + ": " + (size > kMaxArticleBytes ? mib + " MiB, " : "") +
                         "larger than " + std::to_string(kMaxArticleBytes >> 20) +
                         " MiB: not an article");
}

// What a file that is neither a regular file nor a folder is, for messages.
std::string NotRegular(const fs::file_status& st) {
  switch (st.type()) {
    case fs::file_type::fifo:
      return "a named pipe (FIFO)";
    case fs::file_type::socket:
      return "a socket";
    case fs::file_type::character:
      return "a character device";
    case fs::file_type::block:
      return "a block device";
    default:
      return "not a regular file";
  }
}

// Reads one line of `in` into *line without its '\n', keeping at most `max` bytes of it
// (a longer line is read through, so that the next call starts at the next line, but
// not held in memory); *length is the line's full length. False at the end of `in`
// with nothing read. std::getline would hold a line of any length in memory.
bool ReadLine(std::istream& in, uint64_t max, std::string* line, uint64_t* length) {
  line->clear();
  *length = 0;
  bool any = false;
  char buf[1 << 16];
  for (;;) {
    in.getline(buf, sizeof buf);
    size_t n = static_cast<size_t>(in.gcount());
    if (n > 0) any = true;
    // At the end of the stream no '\n' was taken; else failbit means the buffer filled.
    const bool at_end = in.eof() || in.bad();
    const bool full = !at_end && in.fail();
    if (!at_end && !full) --n;  // the '\n' was taken and counted, not stored
    if (*length + n <= max) {
      // Room for simdjson's padding past the line's end (ParseJsonLine), so that a line
      // is not copied to get it.
      if (line->capacity() < line->size() + n + simdjson::SIMDJSON_PADDING)
        line->reserve(line->size() + n + simdjson::SIMDJSON_PADDING);
      line->append(buf, n);
    }
    *length += n;
    if (!full) return any;
    in.clear();  // the buffer filled up before the end of the line: go on
  }
}

bool IsBlank(const std::string& line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// RapidJSON parses nested arrays and objects by recursion: a line of a million '[' would
// overflow the stack. An article line is one flat object; refuse anything this deep.
constexpr int kMaxJsonDepth = 64;

// Whether `json` holds more than kMaxJsonDepth '[' and '{' in all, the least that can nest
// too deep (memchr: an article's line holds a handful).
bool MayBeTooDeep(std::string_view json) {
  int seen = 0;
  for (char open : {'[', '{'}) {
    for (const char* p = json.data(); p != nullptr && seen <= kMaxJsonDepth;) {
      const size_t left = json.size() - static_cast<size_t>(p - json.data());
      p = static_cast<const char*>(std::memchr(p, open, left));
      if (p != nullptr) {
        ++seen;
        ++p;
      }
    }
  }
  return seen > kMaxJsonDepth;
}

// The byte offset of the first '[' or '{' nested deeper than kMaxJsonDepth outside
// strings, or npos. Up to the first syntax error this agrees with RapidJSON's view.
size_t TooDeepAt(std::string_view json) {
  int depth = 0;
  bool in_string = false, escaped = false;
  for (size_t i = 0; i < json.size(); ++i) {
    const char c = json[i];
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxJsonDepth) return i;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return std::string_view::npos;
}

// Copies an optional string field; null or absent leaves *out empty.
Status OptionalString(const rapidjson::Value& obj, const char* name, std::string* out) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) return Status::Ok();
  if (!it->value.IsString())
    return Status::Invalid(std::string("\"") + name + "\" is not a string");
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return Status::Ok();
}

Status RequiredString(const rapidjson::Value& obj, const char* name, std::string* out) {
  auto it = obj.FindMember(name);
  if (it == obj.MemberEnd() || it->value.IsNull()) {
    return Status::Invalid(std::string("missing \"") + name + "\"");
  }
  if (!it->value.IsString())
    return Status::Invalid(std::string("\"") + name + "\" is not a string");
  out->assign(it->value.GetString(), it->value.GetStringLength());
  return Status::Ok();
}

}  // namespace

std::string ItemReason(const InputItem& item, const Status& status) {
  std::string_view m = status.message();
  for (const std::string* name : {&item.source, &item.hints.file, &item.hints.url}) {
    if (!name->empty() && m.size() > name->size() + 1 && m.substr(0, name->size()) == *name &&
        m.substr(name->size(), 2) == ": ") {
      m.remove_prefix(name->size() + 2);
      break;
    }
  }
  if (m.substr(0, 2) == ": ") m.remove_prefix(2);
  return std::string(m);
}

Result<std::string> ReadFileBytes(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    const int err = errno;
    if (err == ENXIO) return Status::Io(path + ": a socket, not a file");
    return FromErrno(path, err);
  }
  struct Closer {
    int fd;
    ~Closer() { ::close(fd); }
  } closer{fd};
  struct stat before {};
  if (::fstat(fd, &before) != 0) return FromErrno(path, errno);
  if (S_ISDIR(before.st_mode)) return Status::Invalid(path + ": is a folder");
  const bool regular = S_ISREG(before.st_mode);
  const uint64_t size = regular ? static_cast<uint64_t>(before.st_size) : 0;
  if (size > kMaxArticleBytes) return TooLarge(path, size);
  // A regular file is read up to one byte past the size it had when opened: more tells
  // that it grew meanwhile. Other files (pipes, devices, /proc) are read to their end.
  const uint64_t limit = size > 0 ? size + 1 : kMaxArticleBytes + 1;
  std::string bytes;
  if (size > 0) {
    // Straight into the string, 64 KiB a read (an article in one): a regular file that
    // returns fewer bytes than asked is at its end (a change after that shows in the
    // second fstat).
    bytes.resize(static_cast<size_t>(limit));
    size_t got = 0;
    while (got < limit) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(limit - got, 1 << 16));
      const ssize_t n = ::read(fd, bytes.data() + got, want);
      if (n < 0) {
        if (errno == EINTR) continue;
        return FromErrno(path, errno);
      }
      got += static_cast<size_t>(n);
      if (static_cast<size_t>(n) < want) break;
    }
    bytes.resize(got);
  }
  char buf[1 << 16];
  while (size == 0 && bytes.size() < limit) {
    const size_t want = static_cast<size_t>(std::min<uint64_t>(sizeof buf, limit - bytes.size()));
    const ssize_t n = ::read(fd, buf, want);
    if (n < 0) {
      if (errno == EINTR) continue;
      return FromErrno(path, errno);
    }
    if (n == 0) break;
    bytes.append(buf, static_cast<size_t>(n));
  }
  if (regular) {
    struct stat after {};
    if (::fstat(fd, &after) != 0) return FromErrno(path, errno);
    const bool changed =
        after.st_size != before.st_size || after.st_mtim.tv_sec != before.st_mtim.tv_sec ||
        after.st_mtim.tv_nsec != before.st_mtim.tv_nsec || (size > 0 && bytes.size() != size);
    if (changed) {
      return Status::Io(path + ": changed while being read (" + std::to_string(size) +
                        " bytes when opened, " + std::to_string(after.st_size) +
                        " now); not read: run again once it is written");
    }
  }
  if (bytes.size() > kMaxArticleBytes) return TooLarge(path, bytes.size());
  return bytes;
}

namespace {

// An article's line the common way: one JSON object whose fields url, text, title,
// published and site, where present, are strings or null. simdjson parses and validates
// it (the UTF-8 too) at several GB/s; RapidJSON's in-place parse, a byte at a time, was a
// fifth of extracting the baomoi JSON Lines file. Returns false for anything else (not
// JSON, another type, too deep), which ParseJsonLine then reads the careful way, with
// RapidJSON's messages and their column: the items of the lines this takes are the same.
bool ParseCommonLine(std::string& line, InputItem* item) {
  thread_local simdjson::dom::parser parser;
  const bool padded = line.capacity() >= line.size() + simdjson::SIMDJSON_PADDING;
  simdjson::dom::object object;
  if (parser.parse(line.data(), line.size(), !padded).get(object) != simdjson::SUCCESS) return false;
  if (MayBeTooDeep(line)) return false;
  struct Field {
    const char* name;
    std::string* out;
    bool required;
  };
  const Field fields[] = {{"url", &item->hints.url, true},
                          {"text", &item->text, true},
                          {"title", &item->hints.title, false},
                          {"published", &item->hints.published, false},
                          {"site", &item->hints.site, false}};
  std::string_view values[std::size(fields)];
  for (size_t i = 0; i < std::size(fields); ++i) {
    simdjson::dom::element value;
    // at_key finds the first field of that name, as RapidJSON's FindMember does.
    if (object.at_key(fields[i].name).get(value) != simdjson::SUCCESS || value.is_null()) {
      if (fields[i].required) return false;
      continue;
    }
    if (value.get_string().get(values[i]) != simdjson::SUCCESS) return false;
  }
  // Assigned only now: `text` is the line itself until then, when it comes deferred.
  for (size_t i = 0; i < std::size(fields); ++i) fields[i].out->assign(values[i]);
  return true;
}

}  // namespace

Status ParseJsonLine(std::string line, InputItem* item) {
  if (ParseCommonLine(line, item)) return Status::Ok();
  // Whole-line checks first, each a fast scan: the encoding (RapidJSON's own check goes a
  // byte at a time through a transcoder, half the time of extracting a real article), and
  // the nesting, scanned for only when the line holds enough brackets to go that deep.
  if (!ValidUtf8(line)) {
    return Status::Invalid("invalid JSON at column " + std::to_string(FirstInvalidUtf8(line) + 1) +
                           ": invalid UTF-8");
  }
  if (MayBeTooDeep(line)) {
    if (size_t at = TooDeepAt(line); at != std::string_view::npos) {
      return Status::Invalid("invalid JSON at column " + std::to_string(at + 1) +
                             ": arrays or objects nested deeper than " +
                             std::to_string(kMaxJsonDepth) + " levels");
    }
  }
  // Parsed in place, so the line must end at its first NUL: a NUL inside is an error
  // (JSON has none outside escapes), as it was for a parse that knew the length.
  if (const void* nul = std::memchr(line.data(), '\0', line.size())) {
    const size_t at = static_cast<size_t>(static_cast<const char*>(nul) - line.data());
    return Status::Invalid("invalid JSON at column " + std::to_string(at + 1) + ": a NUL byte");
  }
  // In place: strings are unescaped inside the line's own buffer, and copied out once below.
  rapidjson::Document d;
  d.ParseInsitu(line.data());
  if (d.HasParseError()) {
    return Status::Invalid("invalid JSON at column " + std::to_string(d.GetErrorOffset() + 1) +
                           ": " + rapidjson::GetParseError_En(d.GetParseError()));
  }
  if (!d.IsObject()) return Status::Invalid("not a JSON object");
  DG_RETURN_IF_ERROR(RequiredString(d, "url", &item->hints.url));
  DG_RETURN_IF_ERROR(RequiredString(d, "text", &item->text));
  DG_RETURN_IF_ERROR(OptionalString(d, "title", &item->hints.title));
  DG_RETURN_IF_ERROR(OptionalString(d, "published", &item->hints.published));
  DG_RETURN_IF_ERROR(OptionalString(d, "site", &item->hints.site));
  return Status::Ok();
}

void ParseDeferredJson(InputItem* item) {
  if (!item->unparsed_json) return;
  item->unparsed_json = false;
  std::string line = std::move(item->text);
  item->text.clear();
  Status s = ParseJsonLine(std::move(line), item);
  if (!s.ok()) {
    item->text.clear();
    item->status = s.WithContext(item->source);
  }
}

InputReader::InputReader(const std::vector<std::string>& paths, std::istream* std_in,
                         bool count_sizes)
    : count_sizes_(count_sizes), std_in_(std_in) {
  for (const auto& p : paths) AddPath(p);
  if (size_unknown_) total_bytes_ = 0;
}

InputReader::~InputReader() = default;

void InputReader::AddPath(const std::string& given) {
  if (given == "-") {
    entries_.push_back({Kind::kStdin, "-", Status::Ok()});
    size_unknown_ = true;
    return;
  }
  const std::string path = Normal(given);
  if (!count_sizes_ && !EndsWith(path, ".gz") && !EndsWith(path, ".jsonl")) {
    entries_.push_back({Kind::kPath, path, Status::Ok()});
    return;
  }
  // One stat for the kind and the size (a file named on the command line is most often
  // one article among thousands).
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    entries_.push_back({Kind::kError, path, Status::NotFound(path + ": no such file or folder")});
    return;
  }
  if (S_ISDIR(st.st_mode)) {
    AddFolder(path);
    return;
  }
  if (EndsWith(path, ".gz")) {
    entries_.push_back({Kind::kError, path,
                        Status::Unsupported(path + ": compressed input is not read; use: zcat " +
                                            path + " | dirgraph ingest -")});
    return;
  }
  if (count_sizes_ && S_ISREG(st.st_mode)) total_bytes_ += static_cast<uint64_t>(st.st_size);
  entries_.push_back(
      {EndsWith(path, ".jsonl") ? Kind::kJsonLines : Kind::kArticle, path, Status::Ok()});
}

// Appends the entries of the article files under `folder`, sorted, after those of the
// errors found on the way.
void InputReader::AddFolder(const std::string& folder) {
  std::set<std::string> visited;
  std::vector<std::string> files;
  Walk(folder, &visited, &files);
  std::sort(files.begin(), files.end());
  for (auto& f : files) {
    if (count_sizes_) {
      std::error_code size_ec;
      uintmax_t size = fs::file_size(f, size_ec);
      if (!size_ec) total_bytes_ += size;
    }
    entries_.push_back({Kind::kArticle, std::move(f), Status::Ok()});
  }
}

// Appends the article files under `folder` to *files (unsorted). Errors become entries.
void InputReader::Walk(const std::string& folder, std::set<std::string>* visited,
                       std::vector<std::string>* files) {
  std::error_code ec;
  fs::path real = fs::canonical(folder, ec);
  if (ec) {
    entries_.push_back({Kind::kError, folder, FromErrorCode(folder, ec)});
    return;
  }
  if (!visited->insert(real.string()).second) return;  // a link back into a folder seen
  fs::directory_iterator it(folder, ec), end;
  if (ec) {
    entries_.push_back({Kind::kError, folder, FromErrorCode(folder, ec)});
    return;
  }
  std::vector<std::string> subfolders;
  for (; it != end; it.increment(ec)) {
    if (ec) break;
    const fs::path& p = it->path();
    const std::string name = p.filename().string();
    if (name.empty() || name[0] == '.') continue;
    std::error_code st_ec;
    fs::file_status st = fs::status(p, st_ec);  // follows links
    if (st_ec || !fs::exists(st)) {
      if (IsArticleFile(name)) {
        entries_.push_back({Kind::kError, p.string(),
                            Status::NotFound(p.string() + ": broken link or unreadable entry")});
      }
      continue;
    }
    if (fs::is_directory(st)) {
      subfolders.push_back(p.string());
    } else if (IsArticleFile(name)) {
      if (fs::is_regular_file(st)) {
        files->push_back(p.string());
      } else {
        // Never opened: a named pipe would block the run, a device could be endless.
        entries_.push_back(
            {Kind::kError, p.string(),
             Status::Invalid(p.string() + ": " + NotRegular(st) + ", not a file: skipped")});
      }
    }
  }
  if (ec) entries_.push_back({Kind::kError, folder, FromErrorCode(folder, ec)});
  for (const auto& sub : subfolders) Walk(sub, visited, files);
}

bool InputReader::Next(InputItem* item) {
  for (;;) {
    if (lines_ != nullptr) {
      if (NextJsonLine(item)) return true;
      lines_ = nullptr;
      file_.reset();
      continue;
    }
    if (next_ >= entries_.size()) return false;
    const Entry& e = entries_[next_++];
    *item = InputItem{};
    item->source = e.path;
    switch (e.kind) {
      case Kind::kError:
        item->status = e.status;
        return true;
      case Kind::kPath:
      case Kind::kArticle: {
        item->hints.file = FileName(e.path);
        item->hints.url = e.path;
        auto bytes = ReadFileBytes(e.path);
        if (!bytes.ok()) {
          if (e.kind == Kind::kPath) {
            // What AddPath would have found before reading: no such path, or a folder,
            // whose files then come next.
            const std::string path = e.path;
            struct stat st {};
            if (::stat(path.c_str(), &st) != 0) {
              *item = InputItem{};
              item->source = path;
              item->status = Status::NotFound(path + ": no such file or folder");
              return true;
            }
            if (S_ISDIR(st.st_mode)) {
              std::vector<Entry> rest(std::make_move_iterator(entries_.begin() + static_cast<long>(next_)),
                                      std::make_move_iterator(entries_.end()));
              entries_.resize(next_);
              AddFolder(path);
              entries_.insert(entries_.end(), std::make_move_iterator(rest.begin()),
                              std::make_move_iterator(rest.end()));
              continue;
            }
          }
          item->status = bytes.status();
          return true;
        }
        item->text = std::move(bytes).value();
        item->bytes = item->text.size();
        return true;
      }
      case Kind::kJsonLines:
        file_ = std::make_unique<std::ifstream>(e.path, std::ios::binary);
        if (!*file_) {
          item->status = FromErrno(e.path, errno);
          file_.reset();
          return true;
        }
        lines_ = file_.get();
        lines_name_ = e.path;
        line_no_ = 0;
        lines_consumed_ = 0;
        continue;
      case Kind::kStdin:
        if (std_in_ == nullptr) {
          item->status = Status::Invalid("-: standard input is not available here");
          return true;
        }
        lines_ = std_in_;
        lines_name_ = "-";
        line_no_ = 0;
        lines_consumed_ = 0;
        continue;
    }
  }
}

// Reads lines until one yields an item (an article or a broken line); false at the end.
bool InputReader::NextJsonLine(InputItem* item) {
  std::string line;
  uint64_t length = 0;
  uint64_t consumed = 0;
  while (ReadLine(*lines_, kMaxArticleBytes, &line, &length)) {
    ++line_no_;
    const bool ended = !lines_->eof();  // the line had its '\n'
    consumed += length + (ended ? 1 : 0);
    lines_consumed_ += length + (ended ? 1 : 0);
    if (length <= kMaxArticleBytes && IsBlank(line)) continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    *item = InputItem{};
    item->source = lines_name_ + ":" + std::to_string(line_no_);
    item->bytes = consumed;
    if (length > kMaxArticleBytes) {
      item->status = Status::Invalid(item->source + ": line of " + std::to_string(length >> 20) +
                                     " MiB, longer than " + std::to_string(kMaxArticleBytes >> 20) +
                                     " MiB: skipped");
      return true;
    }
    item->text = std::move(line);
    item->unparsed_json = true;
    if (!defer_json_) ParseDeferredJson(item);
    return true;
  }
  if (lines_->bad()) {
    *item = InputItem{};
    item->source = lines_name_;
    item->bytes = consumed;
    item->status = Status::Io(lines_name_ + ": read error after line " + std::to_string(line_no_));
    lines_->clear();
    lines_->setstate(std::ios::eofbit);  // report once, then end this input
    return true;
  }
  if (file_ != nullptr) {
    // A file cut shorter than what was read from it was rewritten in place while being
    // read: the lines read may mix its old and new contents. (Lines appended while it is
    // read are simply read.)
    std::error_code ec;
    const uintmax_t now = fs::file_size(lines_name_, ec);
    if (!ec && now < lines_consumed_) {
      *item = InputItem{};
      item->source = lines_name_;
      item->bytes = consumed;
      item->status = Status::Io(
          lines_name_ + ": changed while being read (" + std::to_string(lines_consumed_) +
          " bytes read, " + std::to_string(now) + " now, after line " + std::to_string(line_no_) +
          "): lines may be missing or mixed; run again once it is written");
      file_.reset();  // report once
      lines_ = nullptr;
      return true;
    }
  }
  return false;
}

}  // namespace dg
