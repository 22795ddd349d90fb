// Inputs: from the paths given on the command line to a stream of articles.
//
// What a path yields:
//  - a file: one article, its bytes as read (binary); a file ending in ".jsonl" is JSON
//    Lines instead (below); one ending in ".gz" is refused (decompress it and pipe it:
//    `zcat F.jsonl.gz | dirgraph ingest -`);
//  - "-": JSON Lines read from standard input;
//  - a folder: its article files (*.txt, *.htm, *.html; hidden entries skipped),
//    recursively, in sorted path order, following symbolic links but entering each real
//    folder once (no symlink loops). JSON Lines files inside folders are not read: a
//    folder's *.jsonl is usually gold or metadata; name JSON Lines files explicitly.
//  - JSON Lines: one article per line, {"url", "text"} with optional "title",
//    "published" and "site" (strings or null); blank lines are skipped.
//    Inside folders only regular files are read: a named pipe, socket or device with an
//    article's name is an error item, never opened (a pipe would block the run).
// Bad inputs (a missing path, an unreadable file, a broken JSON line) are items with a
// non-OK status naming the input ("dir/a.txt", "feed.jsonl:12"); reading goes on.
// Files that change while being read: an article file is read once, into memory; when
// its size or modification time moved while it was read, it is an error item ("changed
// while being read"), never a torn article. A JSON Lines file is read as it grows (lines
// appended meanwhile are read); one left shorter than what was read from it (rewritten
// in place) ends with an error item after its lines.
#pragma once

#include <cstdint>
#include <fstream>
#include <istream>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "ingest/extract.h"

namespace dg {

// One article to ingest, or one input that could not be read.
struct InputItem {
  std::string source;  // names the item in messages: "dir/a.txt", "feed.jsonl:12", "-:3"
  ArticleHints hints;  // file items: file = name without folders, url = the path
  std::string text;    // the bytes as read; empty when !status.ok()
  uint64_t bytes = 0;  // input bytes this item consumed, for progress
  Status status;       // not OK: this input could not be read; the message names `source`
  // The reader deferred parsing (InputReader::DeferJsonParsing): `text` holds the JSON
  // line as read, and ParseDeferredJson turns it into hints and text.
  bool unparsed_json = false;
};

// Files larger than this are refused (not an article), as are JSON lines longer; such a
// line is read through without being held in memory, and the lines after it are read.
inline constexpr uint64_t kMaxArticleBytes = 64ull << 20;

class InputReader {
 public:
  // Walks the folders among `paths` at once (to know total_bytes); reads lazily.
  // `std_in` is read for "-" and must outlive the reader. With `count_sizes` false
  // (`dirgraph extract`, which shows no progress) a path that is not JSON Lines is not
  // looked at before it is read, a system call less per article file: a folder among
  // them is walked when it is reached, and total_bytes() stays 0. What is read, in which
  // order, and every message are the same either way.
  explicit InputReader(const std::vector<std::string>& paths, std::istream* std_in = nullptr,
                       bool count_sizes = true);
  ~InputReader();
  InputReader(const InputReader&) = delete;
  InputReader& operator=(const InputReader&) = delete;

  // Stores the next item in *item and returns true; returns false at the end.
  bool Next(InputItem* item);

  // Total size of the inputs found, in bytes; 0 when unknown (standard input).
  uint64_t total_bytes() const { return total_bytes_; }

  // With `defer` set, JSON lines are handed out unparsed (InputItem::unparsed_json), so
  // that the parsing can run on another thread than the reading: ParseDeferredJson there.
  void DeferJsonParsing(bool defer) { defer_json_ = defer; }

 private:
  // kPath: a file or a folder, not looked at yet (count_sizes false).
  enum class Kind { kArticle, kJsonLines, kStdin, kError, kPath };
  struct Entry {
    Kind kind;
    std::string path;  // as given or as found under a folder, lexically normal
    Status status;     // kError only
  };
  void AddPath(const std::string& path);
  void AddFolder(const std::string& folder);
  void Walk(const std::string& folder, std::set<std::string>* visited,
            std::vector<std::string>* files);
  bool NextJsonLine(InputItem* item);

  std::vector<Entry> entries_;
  size_t next_ = 0;
  uint64_t total_bytes_ = 0;
  bool size_unknown_ = false;
  bool count_sizes_ = true;
  std::istream* std_in_;
  bool defer_json_ = false;

  // The JSON Lines input being read, if any.
  std::unique_ptr<std::ifstream> file_;
  std::istream* lines_ = nullptr;
  std::string lines_name_;
  uint64_t line_no_ = 0;
  uint64_t lines_consumed_ = 0;  // bytes of its lines read so far
};

// Parses one JSON line into *item (hints and text). Returns kInvalidArgument with the
// reason (bad JSON with its column, missing "url" or "text", a field of the wrong type).
Status ParseJsonLine(std::string line, InputItem* item);

// Parses the JSON line of an item handed out unparsed; a broken line leaves the item's
// status not OK (named as by the reader: "feed.jsonl:12: invalid JSON …"). Does nothing
// to other items.
void ParseDeferredJson(InputItem* item);

// The message of `status` without the item's name in front ("a.txt: empty input" ->
// "empty input"): for messages that name the item once, their own way.
std::string ItemReason(const InputItem& item, const Status& status);

// Reads a whole file in binary mode. kNotFound / kIoError (unreadable, a socket, changed
// while being read) / kInvalidArgument (a folder, larger than kMaxArticleBytes: refused
// from its size, before reading), the message naming `path`.
Result<std::string> ReadFileBytes(const std::string& path);

}  // namespace dg
