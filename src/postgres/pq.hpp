// A small RAII layer over libpq (internal): a connection, results, statements prepared once per
// connection, and transactions that roll back unless committed. Parameters travel apart from
// the SQL text (PQexecPrepared), so no statement is ever built from data. Errors are values;
// the SQLSTATE is kept for callers that tell a unique violation or a lost connection apart.
#pragma once

#include <libpq-fe.h>

#include <tl/expected.hpp>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf::pq {

struct Failure {
  std::string sqlstate;    // e.g. "23505" (unique violation); empty when the connection failed
  std::string constraint;  // the constraint violated, if any
  std::string message;

  bool unique_violation() const { return sqlstate == "23505"; }
  // The server went away or the connection broke: a fresh connection may succeed.
  bool connection_lost() const { return sqlstate.empty() || sqlstate.starts_with("08"); }
};

template <class T = void>
using Result = tl::expected<T, Failure>;

// A parameter: text, or SQL NULL.
using Param = std::optional<std::string>;

class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}
  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  std::string_view text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  bool is_null(int row, int column) const;
  // The number of rows an UPDATE or DELETE changed.
  std::int64_t changed() const;
  const PGresult* get() const { return result_.get(); }

 private:
  std::shared_ptr<PGresult> result_;
};

class Connection {
 public:
  static Result<Connection> open(const std::string& conninfo);
  Connection() = default;
  Connection(Connection&&) noexcept = default;
  Connection& operator=(Connection&&) noexcept = default;

  // Runs SQL without parameters (several statements allowed): schema, BEGIN, COMMIT.
  Result<Rows> execute(const char* sql);
  // Runs `sql` with `params`, prepared on this connection the first time under `name`.
  Result<Rows> run(const char* name, const char* sql, const std::vector<Param>& params);
  bool broken() const { return !db_ || PQstatus(db_.get()) != CONNECTION_OK; }
  // Whether an idle connection still reaches its server: reads what the server sent meanwhile,
  // without waiting, so that a restart or a terminated session shows before the next query.
  bool usable();
  // Waits until the server sends a notification (of a channel this connection LISTENs to),
  // `at_most` passes, or the file descriptor `interrupt` turns readable; returns whether a
  // notification came. Takes every notification that came.
  Result<bool> wait_for_notification(int interrupt, std::chrono::milliseconds at_most);

 private:
  explicit Connection(PGconn* db) : db_(db, &PQfinish) {}
  Failure failure(const PGresult* result) const;
  std::unique_ptr<PGconn, decltype(&PQfinish)> db_{nullptr, &PQfinish};
  std::set<std::string, std::less<>> prepared_;
};

// BEGIN on construction; ROLLBACK on destruction unless commit() succeeded.
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

}  // namespace ablauf::pq
