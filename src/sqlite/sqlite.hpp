// A small RAII layer over SQLite's C API (internal): a connection, prepared statements that are
// reset and reused, and transactions that roll back unless committed. Errors are values, as
// everywhere in ablauf; SQLite's extended result code is kept for callers that tell a busy
// database from a constraint.
#pragma once

#include <sqlite3.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace ablauf::sqlite {

struct Failure {
  int code = SQLITE_ERROR;  // extended result code
  std::string message;
};

template <class T = void>
using Result = tl::expected<T, Failure>;

class Statement {
 public:
  Statement() = default;
  Statement(sqlite3* db, sqlite3_stmt* statement) : db_(db), statement_(statement) {}
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;

  // Binds parameters 1, 2, … in order; text is copied, so temporaries are safe.
  Statement& bind(int index, std::string_view text);
  Statement& bind(int index, std::int64_t number);
  Statement& bind_null(int index);

  // One step: true with a row to read, false when done.
  Result<bool> step();
  // Runs to the end, for statements without rows.
  Result<> run();
  // Ready to bind and run again.
  void reset();

  std::string_view text(int column) const;
  std::int64_t integer(int column) const;
  bool is_null(int column) const;

 private:
  sqlite3* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
};

// How a connection may use its file.
enum class Access {
  create,     // read and write, creating the file if need be
  write,      // read and write an existing file
  read_only,  // read an existing file
};

class Connection {
 public:
  static Result<Connection> open(const std::string& path, Access access = Access::create,
                                 const std::string& vfs = {});
  Connection() = default;
  ~Connection();
  Connection(Connection&& other) noexcept;
  Connection& operator=(Connection&& other) noexcept;

  Result<> execute(const char* sql);
  // Runs one statement without rows, prepared the first time and kept: for those run again and
  // again (BEGIN, COMMIT, SAVEPOINT), which execute() would compile every time.
  Result<> run_kept(const char* sql);
  Result<Statement> prepare(std::string_view sql);
  Failure failure() const;
  // Rows the last INSERT, UPDATE or DELETE changed.
  std::int64_t changes() const;

 private:
  explicit Connection(sqlite3* db) : db_(db) {}
  sqlite3* db_ = nullptr;
  std::map<std::string, Statement, std::less<>> kept_;
};

// BEGIN IMMEDIATE on construction (the write lock at once, so that two writers never deadlock
// upgrading a read); ROLLBACK on destruction unless commit() succeeded.
class Transaction {
 public:
  static Result<Transaction> begin(Connection& connection);
  ~Transaction();
  Transaction(Transaction&& other) noexcept : connection_(other.connection_) {
    other.connection_ = nullptr;
  }
  Transaction& operator=(Transaction&&) = delete;
  Result<> commit();

 private:
  explicit Transaction(Connection& connection) : connection_(&connection) {}
  Connection* connection_ = nullptr;
};

}  // namespace ablauf::sqlite
