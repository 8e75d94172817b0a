#include "sqlite/sqlite.hpp"

#include <utility>

namespace ablauf::sqlite {
namespace {

Failure failure_of(sqlite3* db, int code) {
  return {code, db ? sqlite3_errmsg(db) : sqlite3_errstr(code)};
}

}  // namespace

Statement::~Statement() {
  sqlite3_finalize(statement_);
}

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)) {}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    db_ = other.db_;
    statement_ = std::exchange(other.statement_, nullptr);
  }
  return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
  sqlite3_bind_text64(statement_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::bind(int index, std::int64_t number) {
  sqlite3_bind_int64(statement_, index, number);
  return *this;
}

Statement& Statement::bind_null(int index) {
  sqlite3_bind_null(statement_, index);
  return *this;
}

Result<bool> Statement::step() {
  const int code = sqlite3_step(statement_);
  if (code == SQLITE_ROW) return true;
  if (code == SQLITE_DONE) return false;
  return tl::make_unexpected(failure_of(db_, sqlite3_extended_errcode(db_)));
}

Result<> Statement::run() {
  for (;;) {
    auto row = step();
    if (!row || !*row) {
      sqlite3_reset(statement_);  // keeps the bindings; lets the transaction end cleanly
      if (!row) return tl::make_unexpected(std::move(row.error()));
      return {};
    }
  }
}

void Statement::reset() {
  sqlite3_reset(statement_);
  sqlite3_clear_bindings(statement_);
}

std::string_view Statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  const auto size = static_cast<std::size_t>(sqlite3_column_bytes(statement_, column));
  return bytes ? std::string_view(reinterpret_cast<const char*>(bytes), size) : std::string_view();
}

std::int64_t Statement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}

bool Statement::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

Result<Connection> Connection::open(const std::string& path, Access access,
                                    const std::string& vfs) {
  sqlite3* db = nullptr;
  const int flags = (access == Access::read_only ? SQLITE_OPEN_READONLY
                     : access == Access::write   ? SQLITE_OPEN_READWRITE
                                                 : SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) |
                    SQLITE_OPEN_NOMUTEX;
  const int code = sqlite3_open_v2(path.c_str(), &db, flags, vfs.empty() ? nullptr : vfs.c_str());
  Connection connection(db);  // closes db, also when opening failed
  if (code != SQLITE_OK) return tl::make_unexpected(failure_of(db, code));
  sqlite3_extended_result_codes(db, 1);
  return connection;
}

Connection::~Connection() {
  kept_.clear();  // statements are finalized before their connection closes
  sqlite3_close_v2(db_);
}

Connection::Connection(Connection&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), kept_(std::move(other.kept_)) {}

Connection& Connection::operator=(Connection&& other) noexcept {
  if (this != &other) {
    kept_.clear();
    sqlite3_close_v2(db_);
    db_ = std::exchange(other.db_, nullptr);
    kept_ = std::move(other.kept_);
  }
  return *this;
}

Result<> Connection::execute(const char* sql) {
  const int code = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (code != SQLITE_OK) return tl::make_unexpected(failure_of(db_, sqlite3_extended_errcode(db_)));
  return {};
}

Result<> Connection::run_kept(const char* sql) {
  auto kept = kept_.find(std::string_view(sql));
  if (kept == kept_.end()) {
    auto prepared = prepare(sql);
    if (!prepared) return tl::make_unexpected(std::move(prepared.error()));
    kept = kept_.emplace(sql, std::move(*prepared)).first;
  }
  return kept->second.run();
}

Result<Statement> Connection::prepare(std::string_view sql) {
  sqlite3_stmt* statement = nullptr;
  const int code = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                      SQLITE_PREPARE_PERSISTENT, &statement, nullptr);
  if (code != SQLITE_OK) return tl::make_unexpected(failure_of(db_, code));
  return Statement(db_, statement);
}

std::int64_t Connection::changes() const {
  return sqlite3_changes64(db_);
}

Failure Connection::failure() const {
  return failure_of(db_, sqlite3_extended_errcode(db_));
}

Result<Transaction> Transaction::begin(Connection& connection) {
  if (auto ok = connection.run_kept("BEGIN IMMEDIATE"); !ok)
    return tl::make_unexpected(std::move(ok.error()));
  return Transaction(connection);
}

Transaction::~Transaction() {
  if (connection_) (void)connection_->run_kept("ROLLBACK");
}

Result<> Transaction::commit() {
  auto ok = connection_->run_kept("COMMIT");
  if (ok) connection_ = nullptr;
  return ok;
}

}  // namespace ablauf::sqlite
