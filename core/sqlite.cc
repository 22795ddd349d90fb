#include "core/sqlite.h"

#include <sqlite3.h>
#include <sys/statvfs.h>

#include <cctype>
#include <filesystem>
#include <utility>

namespace dg::sqlite {

namespace {

Code CodeFor(int rc) {
  switch (rc & 0xff) {
    case SQLITE_NOTADB:
    case SQLITE_CORRUPT:
      return Code::kCorrupt;
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_PERM:
      return Code::kIoError;
    case SQLITE_CONSTRAINT:
      return Code::kConflict;
    default:
      return Code::kInternal;
  }
}

// `what` shortened for a one-line message.
std::string Brief(std::string_view what) {
  constexpr size_t kMax = 96;
  std::string s;
  for (char c : what.substr(0, kMax)) s += (c == '\n' || c == '\t') ? ' ' : c;
  if (what.size() > kMax) s += "…";
  return s;
}

// Why a file operation on `path` may have failed, from its file system: " (the file
// system is read-only)", " (the file system is full)" or "".
std::string FileSystemHint(const std::string& path) {
  if (path.empty() || path == ":memory:") return "";
  struct statvfs fs {};
  std::filesystem::path p(path);
  if (::statvfs(path.c_str(), &fs) != 0) {
    std::filesystem::path folder = p.parent_path();
    if (folder.empty()) folder = ".";
    if (::statvfs(folder.c_str(), &fs) != 0) return "";
  }
  if ((fs.f_flag & ST_RDONLY) != 0) return " (the file system is read-only)";
  if (fs.f_bavail == 0) return " (the file system is full)";
  return "";
}

// Failures where the file system may be the cause.
bool IsFileFailure(int rc) {
  switch (rc & 0xff) {
    case SQLITE_CANTOPEN:
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_READONLY:
      return true;
    default:
      return false;
  }
}

// "file:" URI of `path` for sqlite3_open_v2 with SQLITE_OPEN_URI, with `query` appended.
std::string FileUri(const std::string& path, const std::string& query) {
  std::string abs = std::filesystem::absolute(path).string();
  std::string uri = "file://";  // then the absolute path: an empty authority
  static const char* kHex = "0123456789ABCDEF";
  for (unsigned char c : abs) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += '%';
      uri += kHex[c >> 4];
      uri += kHex[c & 15];
    }
  }
  return uri + "?" + query;
}

// True when `path` lies on a file system mounted read-only.
bool OnReadOnlyFileSystem(const std::string& path) {
  struct statvfs fs {};
  return ::statvfs(path.c_str(), &fs) == 0 && (fs.f_flag & ST_RDONLY) != 0;
}

}  // namespace

// ---- Statement ----

Statement::Statement(Statement&& other) noexcept
    : stmt_(std::exchange(other.stmt_, nullptr)), db_(other.db_), cached_(other.cached_) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    Release();
    stmt_ = std::exchange(other.stmt_, nullptr);
    db_ = other.db_;
    cached_ = other.cached_;
  }
  return *this;
}

Statement::~Statement() { Release(); }

void Statement::Release() {
  if (stmt_ == nullptr) return;
  if (cached_) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  } else {
    sqlite3_finalize(stmt_);
  }
  stmt_ = nullptr;
}

Status Statement::Bind(int index, int64_t value) {
  int rc = sqlite3_bind_int64(stmt_, index, value);
  return rc == SQLITE_OK ? Status::Ok() : db_->Error(rc, Sql());
}

Status Statement::Bind(int index, double value) {
  int rc = sqlite3_bind_double(stmt_, index, value);
  return rc == SQLITE_OK ? Status::Ok() : db_->Error(rc, Sql());
}

Status Statement::Bind(int index, std::string_view value) {
  // A non-null pointer even for "", so that an empty string binds '' and not NULL.
  int rc = sqlite3_bind_text64(stmt_, index, value.empty() ? "" : value.data(), value.size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8);
  return rc == SQLITE_OK ? Status::Ok() : db_->Error(rc, Sql());
}

Status Statement::Bind(int index, Borrowed value) {
  const char* bytes = value.bytes.empty() ? "" : value.bytes.data();
  int rc = value.blob
               ? sqlite3_bind_blob64(stmt_, index, bytes, value.bytes.size(), SQLITE_STATIC)
               : sqlite3_bind_text64(stmt_, index, bytes, value.bytes.size(), SQLITE_STATIC,
                                     SQLITE_UTF8);
  return rc == SQLITE_OK ? Status::Ok() : db_->Error(rc, Sql());
}

Status Statement::BindNull(int index) {
  int rc = sqlite3_bind_null(stmt_, index);
  return rc == SQLITE_OK ? Status::Ok() : db_->Error(rc, Sql());
}

Result<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status error = db_->Error(rc, Sql());
  sqlite3_reset(stmt_);
  return error;
}

Status Statement::Run() {
  for (;;) {
    Result<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) break;
  }
  sqlite3_reset(stmt_);
  return Status::Ok();
}

void Statement::Reset() {
  sqlite3_reset(stmt_);
  sqlite3_clear_bindings(stmt_);
}

int64_t Statement::ColumnInt(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::ColumnDouble(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::ColumnText(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Statement::ColumnView(int column) const {
  const unsigned char* text = sqlite3_column_text(stmt_, column);
  if (text == nullptr) return {};
  return std::string_view(reinterpret_cast<const char*>(text),
                          static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::string_view Statement::ColumnBlob(int column) const {
  const void* bytes = sqlite3_column_blob(stmt_, column);
  if (bytes == nullptr) return {};
  return std::string_view(static_cast<const char*>(bytes),
                          static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

bool Statement::ColumnIsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

std::string Statement::Sql() const {
  const char* sql = stmt_ ? sqlite3_sql(stmt_) : nullptr;
  return sql ? sql : "";
}

// ---- Database ----

void InitializeLibrary() {
  static const bool done = [] {
    // Without memory statistics, which nothing here reads: SQLite otherwise takes a global
    // mutex around every allocation (hundreds per article stored, 5% of the writing thread).
    sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    return sqlite3_initialize() == SQLITE_OK;
  }();
  (void)done;
}

Result<Database> Database::Open(const std::string& path, OpenMode mode) {
  InitializeLibrary();
  int flags = SQLITE_OPEN_READONLY;
  if (mode == OpenMode::kReadWrite) flags = SQLITE_OPEN_READWRITE;
  if (mode == OpenMode::kReadWriteCreate) flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
  // A Database is used by one thread at a time (the writer, a server request, the
  // checkpointer each have their own): without the connection's mutex, which SQLite
  // otherwise takes and releases in every bind, step and column call (5% of the writing
  // thread at a million articles).
  flags |= SQLITE_OPEN_NOMUTEX;
  // A WAL database is read through its shared-memory file (-shm), which cannot be made on
  // a read-only file system: there the file is opened immutable (nothing can write it
  // while the file system is read-only), unless a write-ahead log is left beside it,
  // whose pages the immutable mode would not see.
  std::string name = path;
  std::error_code ec;
  const auto wal_size = std::filesystem::file_size(path + "-wal", ec);
  const bool wal_empty = ec || wal_size == 0;  // no log, or an empty one
  if (mode == OpenMode::kReadOnly && OnReadOnlyFileSystem(path) &&
      !std::filesystem::exists(path + "-shm", ec) && wal_empty) {
    name = FileUri(path, "immutable=1");
    flags |= SQLITE_OPEN_URI;
  }
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(name.c_str(), &handle, flags, nullptr);
  Database db(handle, path);  // closes the handle on every path out
  if (rc != SQLITE_OK) {
    if (handle == nullptr) return Status::Internal(path + ": out of memory opening database");
    Status error = db.Error(rc, "open");
    std::error_code ec;
    if ((rc & 0xff) == SQLITE_CANTOPEN && mode != OpenMode::kReadWriteCreate &&
        !std::filesystem::exists(path, ec)) {
      return Status::NotFound(error.message());
    }
    return error;
  }
  sqlite3_extended_result_codes(handle, 1);
  sqlite3_busy_timeout(handle, kBusyTimeoutMs);
  return db;
}

Database::Database(Database&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)),
      path_(std::move(other.path_)),
      cache_(std::move(other.cache_)) {
  other.cache_.clear();
}

Database& Database::operator=(Database&& other) noexcept {
  if (this != &other) {
    Close();
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
    cache_ = std::move(other.cache_);
    other.cache_.clear();
  }
  return *this;
}

Database::~Database() { Close(); }

void Database::Close() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  cache_.clear();
  if (db_ != nullptr) sqlite3_close_v2(db_);
  db_ = nullptr;
}

Status Database::Error(int rc, std::string_view what) const {
  std::string message = path_ + ": ";
  // The connection's message describes `rc` only when it is the last error it saw.
  const char* text = db_ != nullptr && (sqlite3_extended_errcode(db_) & 0xff) == (rc & 0xff)
                         ? sqlite3_errmsg(db_)
                         : sqlite3_errstr(rc);
  message += text;
  if (IsFileFailure(rc)) message += FileSystemHint(path_);
  if (!what.empty()) message += " [" + Brief(what) + "]";
  return Status(CodeFor(rc), std::move(message));
}

Status Database::Exec(std::string_view sql) {
  std::string text(sql);
  char* errmsg = nullptr;
  int rc = sqlite3_exec(db_, text.c_str(), nullptr, nullptr, &errmsg);
  if (rc == SQLITE_OK) return Status::Ok();
  std::string message = path_ + ": " + (errmsg ? errmsg : sqlite3_errstr(rc)) +
                        (IsFileFailure(rc) ? FileSystemHint(path_) : "") + " [" + Brief(sql) + "]";
  sqlite3_free(errmsg);
  return Status(CodeFor(rc), std::move(message));
}

Result<Statement> Database::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &stmt, nullptr);
  if (rc != SQLITE_OK) {
    sqlite3_finalize(stmt);
    return Error(rc, sql);
  }
  if (stmt == nullptr) return Status::Invalid(path_ + ": no statement in [" + Brief(sql) + "]");
  return Statement(stmt, this, /*cached=*/false);
}

Result<Statement> Database::Cached(const char* sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
      sqlite3_finalize(stmt);
      return Error(rc, sql);
    }
    if (stmt == nullptr) return Status::Invalid(path_ + ": no statement in [" + Brief(sql) + "]");
    it = cache_.emplace(sql, stmt).first;
  }
  sqlite3_reset(it->second);
  sqlite3_clear_bindings(it->second);
  return Statement(it->second, this, /*cached=*/true);
}

Result<int64_t> Database::QueryInt(std::string_view sql) {
  Result<Statement> stmt = Prepare(sql);
  if (!stmt.ok()) return stmt.status();
  Result<bool> row = stmt->Step();
  if (!row.ok()) return row.status();
  if (!*row) return Status::NotFound(path_ + ": no row for [" + Brief(sql) + "]");
  return stmt->ColumnInt(0);
}

int64_t Database::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int64_t Database::Changes() const { return sqlite3_changes64(db_); }

bool Database::InAutocommit() const { return sqlite3_get_autocommit(db_) != 0; }

// ---- Migrate ----

namespace {

Status ApplyMigrations(Database& db, std::span<const Migration> migrations,
                       int32_t application_id) {
  const int last = migrations.empty() ? 0 : migrations.back().version;
  Result<int64_t> current = db.QueryInt("PRAGMA user_version");
  if (!current.ok()) return current.status();
  if (*current > last) {
    return Status::Unsupported(db.path() + ": schema version " + std::to_string(*current) +
                               " was written by a newer dirgraph; this build knows versions up "
                               "to " +
                               std::to_string(last));
  }
  if (*current == last) return Status::Ok();
  DG_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
              " version INTEGER PRIMARY KEY,"
              " name TEXT NOT NULL,"
              " applied_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')))"));
  int expected = 1;
  for (const Migration& m : migrations) {
    if (m.version != expected++) {
      return Status::Internal(db.path() + ": migrations out of order at version " +
                              std::to_string(m.version));
    }
    if (m.version <= *current) continue;
    Status applied = db.Exec(m.sql);
    if (!applied.ok()) {
      return applied.WithContext("migration " + std::to_string(m.version) + " (" + m.name + ")");
    }
    Result<Statement> record =
        db.Prepare("INSERT INTO schema_migrations(version, name) VALUES (?, ?)");
    if (!record.ok()) return record.status();
    DG_RETURN_IF_ERROR(record->BindAll(m.version, m.name));
    DG_RETURN_IF_ERROR(record->Run());
  }
  // PRAGMA arguments cannot be bound; both are integers formatted here.
  DG_RETURN_IF_ERROR(db.Exec("PRAGMA user_version = " + std::to_string(last)));
  return db.Exec("PRAGMA application_id = " + std::to_string(application_id));
}

}  // namespace

Status Migrate(Database& db, std::span<const Migration> migrations, int32_t application_id) {
  return WithTransaction(db, [&] { return ApplyMigrations(db, migrations, application_id); });
}

}  // namespace dg::sqlite
