// Database files that are not what dirgraph needs, through the real binary (issue 7, "Bad
// input: database files"): not a dirgraph database, a newer schema, a read-only file
// system, a full disk. Each: a clear message naming the file, a non-zero exit status, and
// nothing stored lost (PRAGMA integrity_check, `dirgraph stats` before and after).
// Read-only and full file systems are small tmpfs mounts, which need root (as in CI);
// where mounting is not permitted those cases say so and check what they can.
#include <doctest/doctest.h>
#include <httplib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "core/sqlite.h"
#include "core/store.h"
#include "tests/test_support.h"

namespace {
namespace fs = std::filesystem;
using dg::testing::Dirgraph;
using dg::testing::IntegrityCheck;
using dg::testing::Run;
using dg::testing::Slurp;
using dg::testing::TempDir;

const fs::path kCorpus = fs::path(DIRGRAPH_FIXTURES_DIR) / "corpus";

bool Has(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

// The first `n` articles of fixtures/corpus, copied into `dir`/NAME; returns the folder.
std::string SomeArticles(const TempDir& dir, const std::string& name, size_t n) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(kCorpus)) files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= n);
  for (size_t i = 0; i < n; ++i)
    dir.Write(name + "/" + files[i].filename().string(), Slurp(files[i]));
  return (dir.path / name).string();
}

// Every article of fixtures/corpus `copies` times over, each copy its own article (a
// line of its own in the middle, the text twice: about 5 KB an article), as one JSON
// Lines file in `dir`.
std::string ManyArticles(const TempDir& dir, int copies) {
  std::string out;
  for (int c = 0; c < copies; ++c) {
    for (const auto& e : fs::directory_iterator(kCorpus)) {
      const std::string body = Slurp(e.path());
      std::string text = body + "\n(Bản tin số " + std::to_string(c) + ")\n" + body;
      std::string escaped;
      for (char ch : text) {
        if (ch == '"' || ch == '\\') escaped += '\\';
        if (ch == '\n') {
          escaped += "\\n";
          continue;
        }
        if (ch == '\r' || ch == '\t') {
          escaped += ' ';
          continue;
        }
        escaped += ch;
      }
      out += "{\"url\":\"https://copy.vn/" + std::to_string(c) + "/" +
             e.path().filename().string() + "\",\"text\":\"" + escaped + "\"}\n";
    }
  }
  return dir.Write("many.jsonl", out);
}

// `dirgraph stats` of `db`, which must succeed.
std::string Stats(const std::string& db) {
  Run r = Dirgraph({"stats", "--db", db});
  CAPTURE(r.err);
  REQUIRE(r.rc == 0);
  return r.out;
}

// A tmpfs of `size` mounted on a fresh folder, unmounted on destruction. mounted() is
// false where mounting is not permitted (not root, or no CAP_SYS_ADMIN); why() says why.
class Tmpfs {
 public:
  explicit Tmpfs(const std::string& size) : options_("size=" + size + ",mode=0755") {
    if (::mount("tmpfs", dir_.path.c_str(), "tmpfs", 0, options_.c_str()) == 0) {
      mounted_ = true;
    } else {
      why_ = std::strerror(errno);
    }
  }
  ~Tmpfs() {
    if (mounted_) ::umount2(dir_.path.c_str(), MNT_DETACH);
  }
  bool mounted() const { return mounted_; }
  const std::string& why() const { return why_; }
  std::string File(const std::string& name) const { return (dir_.path / name).string(); }
  // Remounts read-only, or writable again.
  void SetReadOnly(bool ro) {
    REQUIRE(::mount(nullptr, dir_.path.c_str(), nullptr, MS_REMOUNT | (ro ? MS_RDONLY : 0),
                    options_.c_str()) == 0);
  }

 private:
  TempDir dir_;
  std::string options_;
  bool mounted_ = false;
  std::string why_;
};

}  // namespace

TEST_CASE("a file that is not a dirgraph database is refused by every command, unchanged") {
  TempDir dir;
  const std::string corpus = SomeArticles(dir, "corpus", 1);
  const std::string notes = dir.Write("notes.txt", "Ghi chú, không phải cơ sở dữ liệu.\n");
  const std::string foreign = (dir.path / "foreign.db").string();
  {
    auto db = dg::sqlite::Database::Open(foreign, dg::sqlite::OpenMode::kReadWriteCreate);
    REQUIRE(db.ok());
    REQUIRE(db->Exec("CREATE TABLE notes(id INTEGER PRIMARY KEY, body TEXT);"
                     "INSERT INTO notes(body) VALUES ('của ứng dụng khác')")
                .ok());
  }
  for (const std::string& file : {notes, foreign}) {
    CAPTURE(file);
    const std::string before = Slurp(file);
    const std::vector<std::vector<std::string>> commands = {
        {"ingest", corpus, "--db", file},
        {"stats", "--db", file},
        {"serve", "--port", "0", "--db", file},
    };
    for (const auto& args : commands) {
      CAPTURE(args[0]);
      Run r = Dirgraph(args, 60);
      CAPTURE(r.err);
      CHECK(r.rc == 1);
      CHECK(Has(r.err, file + ": not a dirgraph database ("));
    }
    CHECK(Slurp(file) == before);
    for (const char* suffix : {"-wal", "-shm", "-journal"}) CHECK_FALSE(fs::exists(file + suffix));
  }
}

TEST_CASE("a database of a newer schema is refused by every command, unchanged") {
  TempDir dir;
  const std::string corpus = SomeArticles(dir, "corpus", 2);
  const std::string db = dir.Db();
  REQUIRE(Dirgraph({"ingest", corpus, "--db", db}).rc == 0);
  const std::string stats = Stats(db);
  {
    auto raw = dg::sqlite::Database::Open(db, dg::sqlite::OpenMode::kReadWrite);
    REQUIRE(raw.ok());
    REQUIRE(
        raw->Exec("PRAGMA user_version = " + std::to_string(dg::Store::kSchemaVersion + 1)).ok());
  }
  const std::string before = Slurp(db);
  for (const auto& args :
       std::vector<std::vector<std::string>>{{"ingest", SomeArticles(dir, "more", 4), "--db", db},
                                             {"stats", "--db", db},
                                             {"serve", "--port", "0", "--db", db}}) {
    CAPTURE(args[0]);
    Run r = Dirgraph(args, 60);
    CAPTURE(r.err);
    CHECK(r.rc != 0);
    CHECK(Has(r.err, db + ": schema version " + std::to_string(dg::Store::kSchemaVersion + 1) +
                         " was written by a newer dirgraph"));
  }
  CHECK(Slurp(db) == before);
  CHECK(IntegrityCheck(db) == "ok");
  {
    auto raw = dg::sqlite::Database::Open(db, dg::sqlite::OpenMode::kReadWrite);
    REQUIRE(raw.ok());
    REQUIRE(raw->Exec("PRAGMA user_version = " + std::to_string(dg::Store::kSchemaVersion)).ok());
  }
  CHECK(Stats(db) == stats);  // what it held is all there
}

TEST_CASE("a database in a folder that cannot be written: the graph is served, its snapshot skipped with a note") {
  TempDir dir;
  const std::string corpus = SomeArticles(dir, "corpus", 3);
  Tmpfs mnt("4m");
  std::string db, why;
  if (mnt.mounted()) {
    db = mnt.File("ro.db");
    REQUIRE(Dirgraph({"ingest", corpus, "--db", db}).rc == 0);
    mnt.SetReadOnly(true);
    why = "Read-only file system";
  } else if (::geteuid() == 0) {
    MESSAGE("skipped: mounting a tmpfs is not permitted here (" << mnt.why()
            << ") and permissions do not bind root");
    return;
  } else {
    db = dir.File("locked/ro.db");
    fs::create_directories(dir.File("locked"));
    REQUIRE(Dirgraph({"ingest", corpus, "--db", db}).rc == 0);
    REQUIRE(::chmod(dir.File("locked").c_str(), 0555) == 0);
    why = "Permission denied";
  }
  const std::string snapshot = db + ".graph";
  Run tables = Dirgraph({"lineage", "35-NQ/TW", "--json", "--db", db});
  REQUIRE(tables.rc == 0);
  REQUIRE(Has(tables.out, "{\"document\":{\"id\":\"35-NQ~TW@TW!XII\""));
  for (int start = 0; start < 2; ++start) {  // each start tries again, and serves all the same
    CAPTURE(start);
    dg::testing::Server server({"--db", db});
    const std::string err = server.child().ErrOnce("cannot write the graph snapshot");
    CAPTURE(err);
    CHECK(Has(err, "graph loaded from the tables of " + db));
    CHECK(Has(err, snapshot + ": cannot write the graph snapshot: " + why));
    CHECK_FALSE(Has(err, "damaged"));
    httplib::Client client("127.0.0.1", server.port());
    client.set_read_timeout(10, 0);
    auto res = client.Get("/api/v1/documents/35-NQ~TW@TW!XII/lineage");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body + "\n" == tables.out);
  }
  CHECK_FALSE(fs::exists(snapshot));
  if (mnt.mounted()) mnt.SetReadOnly(false);
  (void)::chmod(dir.File("locked").c_str(), 0755);
}

TEST_CASE("a database on a read-only file system: writes refused naming why, reads served") {
  TempDir dir;
  const std::string corpus = SomeArticles(dir, "corpus", 3);
  const std::string more = SomeArticles(dir, "more", 6);
  Tmpfs mnt("4m");
  if (!mnt.mounted()) {
    MESSAGE("skipped the read-only mount: mounting a tmpfs is not permitted here ("
            << mnt.why() << "); run as root to try it");
    if (::geteuid() == 0) return;
    // Without root, permissions do bind: a read-only file in a read-only folder.
    const std::string db = dir.Db();
    REQUIRE(Dirgraph({"ingest", corpus, "--db", db}).rc == 0);
    const std::string stats = Stats(db);
    REQUIRE(::chmod(db.c_str(), 0444) == 0);
    const std::string before = Slurp(db);
    Run r = Dirgraph({"ingest", more, "--db", db});
    CHECK(r.rc == 1);
    CHECK(Has(r.err, db + ": cannot write the database: Permission denied"));
    CHECK(Slurp(db) == before);
    REQUIRE(::chmod(db.c_str(), 0644) == 0);
    CHECK(Stats(db) == stats);
    return;
  }
  const std::string db = mnt.File("ro.db");
  REQUIRE(Dirgraph({"ingest", corpus, "--db", db}).rc == 0);
  const std::string stats = Stats(db);
  mnt.SetReadOnly(true);

  Run write = Dirgraph({"ingest", more, "--db", db});
  CAPTURE(write.err);
  CHECK(write.rc == 1);
  CHECK(Has(write.err, db + ": cannot write the database: Read-only file system"));
  Run fresh = Dirgraph({"ingest", more, "--db", mnt.File("new.db")});
  CHECK(fresh.rc == 1);
  CHECK(Has(fresh.err, mnt.File("new.db") + ": cannot write in its folder"));
  CHECK(Has(fresh.err, "Read-only file system"));

  // Reading needs no writing: stats, a query, and the server.
  CHECK(Stats(db) == stats);
  Run lineage = Dirgraph({"lineage", "35-NQ/TW", "--db", db});
  CAPTURE(lineage.err);
  CHECK(lineage.rc == 0);
  {
    dg::testing::Server server({"--db", db, "--quiet"});
    httplib::Client client("127.0.0.1", server.port());
    client.set_read_timeout(10, 0);
    auto res = client.Get("/api/v1/stats");
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(Has(res->body, "\"articles\":3,"));
  }
  mnt.SetReadOnly(false);
  CHECK(IntegrityCheck(db) == "ok");
  CHECK(Stats(db) == stats);
}

TEST_CASE("a full disk: the batch is rolled back naming the file; nothing stored is lost") {
  TempDir dir;
  const std::string corpus = SomeArticles(dir, "corpus", 3);
  const std::string more = SomeArticles(dir, "more", 5);  // the 3 above and 2 more
  // Over 250 articles of about 5 KB: more than the disk holds, and so is the first batch
  // alone (125 articles, see IngestOptions::batch_size), which must fail whole.
  const std::string many = ManyArticles(dir, 8);
  Tmpfs mnt("1m");
  if (!mnt.mounted()) {
    MESSAGE("skipped: mounting a 1 MiB tmpfs is not permitted here (" << mnt.why()
                                                                      << "); run as root");
    return;
  }
  const std::string db = mnt.File("full.db");
  REQUIRE(Dirgraph({"ingest", corpus, "--db", db}).rc == 0);
  const std::string stats = Stats(db);

  Run full = Dirgraph({"ingest", many, "--db", db});
  CAPTURE(full.err);
  CHECK(full.rc == 1);
  CHECK(Has(full.err, db + ": database or disk is full"));
  CHECK(Has(full.err,
            "the batch in progress was rolled back; the batches before it (0 inputs) stay stored"));
  CHECK(IntegrityCheck(db) == "ok");
  CHECK(Stats(db) == stats);

  // Not a byte left: opening for writing fails too, saying the disk is full.
  {
    std::ofstream filler(mnt.File("filler"), std::ios::binary);
    const std::string block(4096, 'x');
    while (filler.write(block.data(), block.size())) {
    }
  }
  Run none = Dirgraph({"ingest", more, "--db", db});
  CAPTURE(none.err);
  CHECK(none.rc == 1);
  CHECK(Has(none.err, db + ": "));
  CHECK(Has(none.err, "(the file system is full)"));
  Run fresh = Dirgraph({"ingest", more, "--db", mnt.File("new.db")});
  CAPTURE(fresh.err);
  CHECK(fresh.rc == 1);
  CHECK(Has(fresh.err, mnt.File("new.db") + ": "));
  CHECK(Has(fresh.err, "(the file system is full)"));

  // Space again: everything is there, and the run that failed can be done.
  fs::remove(mnt.File("filler"));
  CHECK(IntegrityCheck(db) == "ok");
  CHECK(Stats(db) == stats);
  Run again = Dirgraph({"ingest", more, "--db", db});
  CAPTURE(again.err);
  CHECK(again.rc == 0);
  CHECK(again.out.rfind("5 articles (2 added, 0 replaced, 3 unchanged)", 0) == 0);
  // What is left of the new database, if anything, becomes one.
  Run created = Dirgraph({"ingest", more, "--db", mnt.File("new.db")});
  CAPTURE(created.err);
  CHECK(created.rc == 0);
  CHECK(created.out.rfind("5 articles (5 added", 0) == 0);
}
