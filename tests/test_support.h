// Helpers shared by the test suites.
#pragma once

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "core/sqlite.h"
#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"

extern char** environ;

namespace dg::testing {

// The real gazetteer (npm packages) and catalogue (data/catalogue.tsv) with an Extractor
// over them, loaded once per test program. A failed load fails the calling test.
inline const Extractor& SharedExtractor() {
  struct Resources {
    std::unique_ptr<Gazetteer> gazetteer;
    std::unique_ptr<Catalogue> catalogue;
    std::unique_ptr<Extractor> extractor;
    Resources() {
      auto g = Gazetteer::Load();
      REQUIRE_MESSAGE(g.ok(), g.status().ToString());
      gazetteer = std::move(g).value();
      auto c = Catalogue::Load();
      REQUIRE_MESSAGE(c.ok(), c.status().ToString());
      catalogue = std::move(c).value();
      extractor = std::make_unique<Extractor>(gazetteer.get(), catalogue.get());
    }
  };
  static Resources r;
  return *r.extractor;
}

// A fresh folder under the system's temporary folder, removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dirgraph-test-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Writes `bytes` to `name` inside the folder (creating subfolders); returns its path.
  std::string Write(const std::string& name, const std::string& bytes) const {
    std::filesystem::path p = path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  std::string Db() const { return (path / "test.db").string(); }
  // The path of `name` inside the folder (nothing is created).
  std::string File(const std::string& name) const { return (path / name).string(); }
};

// The whole content of a file; empty when it cannot be read.
inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Run {
  int rc = -1;
  std::string out, err;
  long max_rss_kb = 0;  // the child's peak resident set
};

// A dirgraph process running in the background, its stdout and stderr going to files.
// Killed (SIGKILL) and reaped on destruction if still running.
class Child {
 public:
  // Starts the dirgraph binary with `args`, stdin from /dev/null.
  explicit Child(const std::vector<std::string>& args) {
    out_ = (io_.path / "out").string();
    err_ = (io_.path / "err").string();
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, out_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    posix_spawn_file_actions_addopen(&actions, 2, err_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    std::vector<std::string> argv_s = {DIRGRAPH_BINARY};
    argv_s.insert(argv_s.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& a : argv_s) argv.push_back(a.data());
    argv.push_back(nullptr);
    const int spawned =
        posix_spawn(&pid_, DIRGRAPH_BINARY, &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    REQUIRE(spawned == 0);
  }
  ~Child() {
    if (pid_ > 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

  pid_t pid() const { return pid_; }
  bool running() {
    if (pid_ <= 0) return false;
    return Reap(WNOHANG);
  }
  void Signal(int sig) {
    if (pid_ > 0) ::kill(pid_, sig);
  }
  // Waits for the process to end, at most `timeout_s` seconds (then kills it and fails
  // the test), and returns what it did.
  Run Wait(double timeout_s = 300) {
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
    while (pid_ > 0 && Reap(WNOHANG)) {
      if (std::chrono::steady_clock::now() > until) {
        ::kill(pid_, SIGKILL);
        Reap(0);
        FAIL_CHECK("dirgraph did not end within " << timeout_s << " s");
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    Run r = result_;
    r.out = Out();
    r.err = Err();
    return r;
  }
  std::string Out() const { return Slurp(out_); }
  std::string Err() const { return Slurp(err_); }
  // Its standard error once it holds `text`, or after `timeout_s` seconds (a line logged
  // by a background thread, for instance).
  std::string ErrOnce(const std::string& text, double timeout_s = 60) const {
    const auto until = std::chrono::steady_clock::now() +
                       std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
    std::string err = Err();
    while (err.find(text) == std::string::npos && std::chrono::steady_clock::now() < until) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
      err = Err();
    }
    return err;
  }

 private:
  // Reaps the child if it ended; returns true while it still runs.
  bool Reap(int options) {
    int status = 0;
    struct rusage usage {};
    const pid_t got = ::wait4(pid_, &status, options, &usage);
    if (got == 0) return true;
    if (got == pid_) {
      result_.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      result_.max_rss_kb = usage.ru_maxrss;
    }
    pid_ = -1;
    return false;
  }

  TempDir io_;
  std::string out_, err_;
  pid_t pid_ = -1;
  Run result_;
};

// Runs the dirgraph binary with `args`, stdin from /dev/null, and collects what it printed.
// A run longer than `timeout_s` seconds is killed and fails the test.
inline Run Dirgraph(const std::vector<std::string>& args, double timeout_s = 300) {
  Child child(args);
  return child.Wait(timeout_s);
}

// `dirgraph serve --port 0 ARGS…` in the background; port() is the port it printed.
class Server {
 public:
  explicit Server(std::vector<std::string> args) : child_(WithServe(std::move(args))) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    while (std::chrono::steady_clock::now() < until && child_.running()) {
      const std::string out = child_.Out();
      const size_t at = out.find("serving http://");
      const size_t colon = at == std::string::npos ? at : out.rfind(':');
      if (colon != std::string::npos && out.find('\n', colon) != std::string::npos) {
        port_ = std::atoi(out.c_str() + colon + 1);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    REQUIRE_MESSAGE(port_ > 0, "dirgraph serve did not start: " << child_.Err());
  }
  int port() const { return port_; }
  Child& child() { return child_; }

 private:
  static std::vector<std::string> WithServe(std::vector<std::string> args) {
    args.insert(args.begin(), {"serve", "--port", "0"});
    return args;
  }
  Child child_;
  int port_ = 0;
};

// PRAGMA integrity_check of a database file: "ok", or what SQLite found.
inline std::string IntegrityCheck(const std::string& db) {
  auto opened = sqlite::Database::Open(db, sqlite::OpenMode::kReadOnly);
  if (!opened.ok()) return opened.status().ToString();
  auto st = opened->Prepare("PRAGMA integrity_check");
  if (!st.ok()) return st.status().ToString();
  std::string out;
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status().ToString();
    if (!*row) break;
    if (!out.empty()) out += '\n';
    out += st->ColumnText(0);
  }
  return out;
}

// The values of column `column` of every row `sql` gives, as text, in order.
inline std::vector<std::string> ColumnOf(sqlite::Database& db, const std::string& sql,
                                         int column = 0) {
  auto st = db.Prepare(sql);
  REQUIRE(st.ok());
  std::vector<std::string> out;
  for (;;) {
    auto row = st->Step();
    REQUIRE(row.ok());
    if (!*row) break;
    out.push_back(st->ColumnText(column));
  }
  return out;
}

// SQL that turns the mentions of a current database back into the table schemas 1 to 8
// kept, one row per mention (schema 9 keeps them in article_documents, as JSON): for tests
// that make an older database out of a current one.
inline std::string BackToMentionsTableSql() {
  return R"sql(
    DROP VIEW mentions;
    CREATE TABLE mentions (
      id INTEGER PRIMARY KEY,
      article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
      document_id INTEGER NOT NULL REFERENCES documents(id),
      span_start INTEGER NOT NULL,
      span_end INTEGER NOT NULL,
      text TEXT NOT NULL,
      kind TEXT NOT NULL);
    INSERT INTO mentions(article_id, document_id, span_start, span_end, text, kind)
      SELECT ad.article_id, ad.document_id, m.value ->> 0, m.value ->> 1, m.value ->> 2,
             m.value ->> 3
      FROM article_documents ad, json_each(ad.mentions) m
      ORDER BY ad.article_id, ad.ordinal, m.key;
    CREATE INDEX mentions_by_article ON mentions(article_id);
    CREATE INDEX mentions_by_document ON mentions(document_id);
    DROP INDEX IF EXISTS article_documents_by_document;
    ALTER TABLE article_documents DROP COLUMN mentions;
    ALTER TABLE article_documents DROP COLUMN mention_count;
    CREATE INDEX article_documents_by_document ON article_documents(document_id);)sql";
}

// SQL that turns the search index of a current database back into the FTS5 index that
// schemas 1 to 5 kept (external content, fed by triggers), with `tokenize`, built from the
// stored articles, and its mentions into their table (BackToMentionsTableSql): for tests
// that make an older database out of a current one.
inline std::string BackToFts5Sql(const std::string& tokenize) {
  return BackToMentionsTableSql() + R"sql(
    DROP INDEX IF EXISTS meetings_by_held_under;
    DROP TRIGGER search_docs_delete; DROP TRIGGER search_docs_update;
    DROP TABLE search_postings; DROP TABLE search_segments; DROP TABLE search_docs;
    DROP TABLE search_dead;
    CREATE VIRTUAL TABLE articles_fts USING fts5(title, text, content='articles',
      content_rowid='id', tokenize=')sql" +
         tokenize + R"sql(');
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
      INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
      INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE ON articles BEGIN
      INSERT INTO articles_fts(articles_fts, rowid, title, text)
        VALUES ('delete', old.id, old.title, old.text);
      INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
    END;
    INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');)sql";
}

}  // namespace dg::testing
