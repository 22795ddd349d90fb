// Thin RAII wrappers over the SQLite C API, used by the store (core/store.cc) and by tests
// that need to look at a database file directly.
//
// Every SQLite failure becomes a dg::Status whose message carries SQLite's own message
// and the database path: "var/dirgraph.db: UNIQUE constraint failed: documents.key".
// The code follows the primary result code: NOTADB and CORRUPT -> kCorrupt; CANTOPEN,
// IOERR, FULL, READONLY, BUSY, LOCKED, PERM -> kIoError; CONSTRAINT -> kConflict;
// anything else -> kInternal. A file failure (CANTOPEN, IOERR, FULL, READONLY) on a
// read-only or full file system says so: "x.db: disk I/O error (the file system is full)".
//
// Thread-compatible: one Database (and its statements) is used from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace dg::sqlite {

class Database;

// How long a connection waits for another's lock (sqlite3_busy_timeout), unless told
// otherwise with PRAGMA busy_timeout.
inline constexpr int kBusyTimeoutMs = 5000;

// A prepared statement. Either owned (finalized on destruction) or borrowed from the
// cache of its Database (reset and unbound on destruction, so that it holds no read
// transaction open and can be handed out again). Must not outlive its Database, and the
// Database must not be moved while the statement exists.
class Statement {
 public:
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite. Text is bound as a copy.
  Status Bind(int index, int64_t value);
  Status Bind(int index, int value) { return Bind(index, static_cast<int64_t>(value)); }
  Status Bind(int index, uint32_t value) { return Bind(index, static_cast<int64_t>(value)); }
  Status Bind(int index, bool value) { return Bind(index, static_cast<int64_t>(value ? 1 : 0)); }
  Status Bind(int index, double value);
  Status Bind(int index, std::string_view value);
  Status Bind(int index, const std::string& value) { return Bind(index, std::string_view(value)); }
  Status Bind(int index, const char* value) { return Bind(index, std::string_view(value)); }
  Status BindNull(int index);
  Status Bind(int index, std::nullptr_t) { return BindNull(index); }
  // Text, or with `blob` bytes, bound without a copy (SQLITE_STATIC): they must stay as
  // they are until the statement has stepped for the last time with them (Run, or the
  // last Step before a Reset). For an article's text, copied a second time otherwise.
  struct Borrowed {
    std::string_view bytes;
    bool blob = false;
  };
  Status Bind(int index, Borrowed value);
  // An empty optional binds NULL.
  template <typename T>
  Status Bind(int index, const std::optional<T>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Resets the statement, clears earlier bindings and binds `args` to parameters 1..N.
  template <typename... Args>
  Status BindAll(const Args&... args) {
    Reset();
    int index = 0;
    Status status;
    ((status.ok() ? (void)(status = Bind(++index, args)) : (void)0), ...);
    return status;
  }

  // Advances to the next row: true when a row is available, false when done.
  Result<bool> Step();
  // Steps until done (for statements that return no rows) and resets the statement.
  Status Run();
  // Makes the statement ready to run again, with no bindings.
  void Reset();

  // Columns are 0-based. Text of NULL is "", integer of NULL is 0.
  int64_t ColumnInt(int column) const;
  double ColumnDouble(int column) const;
  std::string ColumnText(int column) const;
  // The text of a column without a copy: valid until the next Step, Reset or the end of
  // the statement (for readers of many rows).
  std::string_view ColumnView(int column) const;
  bool ColumnIsNull(int column) const;
  // The bytes of a BLOB column without a copy, valid as ColumnView's.
  std::string_view ColumnBlob(int column) const;

  // The SQL text as prepared, for messages.
  std::string Sql() const;

 private:
  friend class Database;
  Statement(sqlite3_stmt* stmt, const Database* db, bool cached)
      : stmt_(stmt), db_(db), cached_(cached) {}
  void Release();

  sqlite3_stmt* stmt_ = nullptr;
  const Database* db_ = nullptr;
  bool cached_ = false;
};

// How to open a database file.
enum class OpenMode {
  kReadOnly,         // SQLITE_OPEN_READONLY: fails with kNotFound when the file is missing;
                     // on a read-only file system, opened immutable (see Database::Open)
  kReadWrite,        // SQLITE_OPEN_READWRITE: fails with kNotFound when the file is missing
  kReadWriteCreate,  // SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
};

// Configures and initializes the SQLite library for this process, once (later calls do
// nothing): memory statistics off. Database::Open calls it; call it first wherever the
// library is used before any Database is opened (sqlite3_auto_extension initializes it,
// after which it can no longer be configured).
void InitializeLibrary();

// One connection to one database file. Closed on destruction, after its cached
// statements are finalized. Used by one thread at a time: it is opened without SQLite's
// per-connection mutex (SQLITE_OPEN_NOMUTEX).
class Database {
 public:
  // Opens `path` (a plain file name, never a URI). Opening reads nothing from the file:
  // a file that is not a database is only noticed by the first statement. A statement
  // that meets a lock of another connection (a writer, the recovery of a crashed one's
  // log) waits up to kBusyTimeoutMs for it before failing with "database is locked". kReadOnly on a
  // read-only file system, with no -shm and no non-empty -wal file beside the database,
  // opens it with SQLite's immutable=1 (no locks, no shared memory): SQLite could not
  // read a WAL database there otherwise.
  static Result<Database> Open(const std::string& path, OpenMode mode);

  Database(Database&& other) noexcept;
  Database& operator=(Database&& other) noexcept;
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;
  ~Database();

  const std::string& path() const { return path_; }
  sqlite3* handle() const { return db_; }

  // Runs one or more statements separated by ';', returning no rows.
  Status Exec(std::string_view sql);
  // Prepares one statement, owned by the caller.
  Result<Statement> Prepare(std::string_view sql);
  // A statement prepared once per Database and reused: `sql` must be a string that lives
  // as long as the Database (a literal); statements are cached by their text. The
  // statement comes back reset, with no bindings; only one user at a time per text.
  Result<Statement> Cached(const char* sql);
  // The first column of the first row of `sql`, as an integer; kNotFound when no row.
  Result<int64_t> QueryInt(std::string_view sql);

  int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT, UPDATE or DELETE that completed.
  int64_t Changes() const;
  // True when no transaction is open (SQLite's autocommit mode).
  bool InAutocommit() const;

  // The Status for SQLite result code `rc` on this connection: SQLite's message, the path,
  // and `what` (a statement or an action) when not empty.
  Status Error(int rc, std::string_view what) const;

 private:
  Database(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  void Close();

  sqlite3* db_ = nullptr;
  std::string path_;
  std::unordered_map<const char*, sqlite3_stmt*> cache_;
};

// Runs `body` inside a SAVEPOINT: released when `body` returns OK, rolled back to (and
// released) otherwise, so that a failed step leaves nothing behind. Returns body's Status,
// or the error of the savepoint statements themselves.
template <typename F>
Status WithSavepoint(Database& db, const char* name, F&& body) {
  DG_RETURN_IF_ERROR(db.Exec(std::string("SAVEPOINT ") + name));
  Status status = body();
  if (status.ok()) return db.Exec(std::string("RELEASE ") + name);
  (void)db.Exec(std::string("ROLLBACK TO ") + name);
  (void)db.Exec(std::string("RELEASE ") + name);
  return status;
}

// Runs `body` in a transaction that takes the write lock at once (BEGIN IMMEDIATE):
// committed when `body` returns OK, rolled back otherwise. Returns body's Status, or the
// error of the transaction statements themselves.
template <typename F>
Status WithTransaction(Database& db, F&& body) {
  DG_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status status = body();
  if (status.ok()) status = db.Exec("COMMIT");
  if (!status.ok() && !db.InAutocommit()) (void)db.Exec("ROLLBACK");
  return status;
}

// One step of a schema: brings a database from version `version - 1` to `version`.
struct Migration {
  int version;
  const char* name;  // one line saying what it changes, recorded in schema_migrations
  const char* sql;   // statements separated by ';'
};

// Brings `db` to the last version of `migrations` (ordered by version, starting at 1,
// without gaps) in one IMMEDIATE transaction: applies every migration newer than
// `PRAGMA user_version`, records each in the table schema_migrations(version, name,
// applied_at), then sets `PRAGMA user_version` and `PRAGMA application_id`. Either all
// of it lands or none does. Returns kUnsupported when the file's version is newer than
// the last migration, and the failing migration's error (naming its version) otherwise.
Status Migrate(Database& db, std::span<const Migration> migrations, int32_t application_id);

}  // namespace dg::sqlite
