#include "postgres/pq.hpp"

#include <charconv>

#include <poll.h>

namespace ablauf::pq {

std::string_view Rows::text(int row, int column) const {
  return {PQgetvalue(result_.get(), row, column),
          static_cast<std::size_t>(PQgetlength(result_.get(), row, column))};
}

std::int64_t Rows::integer(int row, int column) const {
  const auto value = text(row, column);
  std::int64_t number = 0;
  std::from_chars(value.data(), value.data() + value.size(), number);
  return number;
}

bool Rows::is_null(int row, int column) const {
  return PQgetisnull(result_.get(), row, column) != 0;
}

std::int64_t Rows::changed() const {
  const std::string_view count = PQcmdTuples(result_.get());
  std::int64_t number = 0;
  std::from_chars(count.data(), count.data() + count.size(), number);
  return number;
}

Result<Connection> Connection::open(const std::string& conninfo) {
  Connection connection(PQconnectdb(conninfo.c_str()));
  if (!connection.db_)
    return tl::make_unexpected(Failure{{}, {}, "out of memory while connecting"});
  if (PQstatus(connection.db_.get()) != CONNECTION_OK)
    return tl::make_unexpected(Failure{{}, {}, PQerrorMessage(connection.db_.get())});
  // Notices (such as "relation already exists, skipping") are not for a host's stderr.
  PQsetNoticeProcessor(
      connection.db_.get(), [](void*, const char*) {}, nullptr);
  return connection;
}

bool Connection::usable() {
  return !broken() && PQconsumeInput(db_.get()) == 1 && !broken();
}

Result<bool> Connection::wait_for_notification(int interrupt, std::chrono::milliseconds at_most) {
  if (!db_) return tl::make_unexpected(Failure{{}, {}, "not connected"});
  const auto take = [&] {
    bool any = false;
    while (PGnotify* notification = PQnotifies(db_.get())) {
      any = true;
      PQfreemem(notification);
    }
    return any;
  };
  // Notifications may have come with an earlier result, or be waiting unread on the socket.
  if (PQconsumeInput(db_.get()) == 0) return tl::make_unexpected(failure(nullptr));
  if (take()) return true;
  pollfd ready[2] = {{PQsocket(db_.get()), POLLIN, 0}, {interrupt, POLLIN, 0}};
  if (::poll(ready, 2, static_cast<int>(at_most.count())) <= 0 || !ready[0].revents) return false;
  if (PQconsumeInput(db_.get()) == 0) return tl::make_unexpected(failure(nullptr));
  return take();
}

Failure Connection::failure(const PGresult* result) const {
  Failure failure;
  if (result) {
    if (const char* state = PQresultErrorField(result, PG_DIAG_SQLSTATE)) failure.sqlstate = state;
    if (const char* name = PQresultErrorField(result, PG_DIAG_CONSTRAINT_NAME))
      failure.constraint = name;
    failure.message = PQresultErrorMessage(result);
  }
  if (failure.message.empty() && db_) failure.message = PQerrorMessage(db_.get());
  while (!failure.message.empty() &&
         (failure.message.back() == '\n' || failure.message.back() == ' '))
    failure.message.pop_back();
  return failure;
}

Result<Rows> Connection::execute(const char* sql) {
  if (!db_) return tl::make_unexpected(Failure{{}, {}, "not connected"});
  Rows rows(PQexec(db_.get(), sql));
  const auto status = PQresultStatus(rows.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return tl::make_unexpected(failure(rows.get()));
  return rows;
}

Result<Rows> Connection::run(const char* name, const char* sql, const std::vector<Param>& params) {
  if (!db_) return tl::make_unexpected(Failure{{}, {}, "not connected"});
  if (!prepared_.contains(name)) {
    Rows prepared(PQprepare(db_.get(), name, sql, static_cast<int>(params.size()), nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK)
      return tl::make_unexpected(failure(prepared.get()));
    prepared_.emplace(name);
  }
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& param : params) values.push_back(param ? param->c_str() : nullptr);
  Rows rows(PQexecPrepared(db_.get(), name, static_cast<int>(values.size()), values.data(), nullptr,
                           nullptr, 0));
  const auto status = PQresultStatus(rows.get());
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK)
    return tl::make_unexpected(failure(rows.get()));
  return rows;
}

Result<Transaction> Transaction::begin(Connection& connection) {
  if (auto ok = connection.execute("BEGIN"); !ok) return tl::make_unexpected(ok.error());
  return Transaction(connection);
}

Transaction::~Transaction() {
  if (connection_) (void)connection_->execute("ROLLBACK");
}

Result<> Transaction::commit() {
  auto ok = connection_->execute("COMMIT");
  connection_ = nullptr;
  if (!ok) return tl::make_unexpected(ok.error());
  return {};
}

}  // namespace ablauf::pq
