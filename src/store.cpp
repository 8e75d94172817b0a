#include "ablauf/store.hpp"

#include "failure.hpp"

#include <algorithm>
#include <condition_variable>
#include <mutex>

namespace ablauf {

InstanceSummary summarize(const InstanceState& state) {
  InstanceSummary summary{state.workflow_id, state.version, state.business_key, state.status, {}};
  summary.parent = state.parent;
  if (!state.finished() && !state.timers.empty())
    summary.next_due =
        std::min_element(state.timers.begin(), state.timers.end(),
                         [](const Timer& a, const Timer& b) { return a.due < b.due; })
            ->due;
  for (const auto& token : state.tokens)
    if (token.state == Token::State::waiting && token.waiting_for == WaitingFor::call)
      summary.awaiting.push_back(token.waiting_on);
  return summary;
}

namespace {

tl::unexpected<Error> shares_no_work() {
  return detail::error(ErrorCode::store_error,
                       "this store serves one process and shares no work; several workers "
                       "share a PostgresStore");
}

}  // namespace

tl::expected<void, Error> Store::keep_definition(const StoredDefinition& definition) {
  return tl::make_unexpected(Error{ErrorCode::store_error,
                                   "this store keeps no definitions (keeping '" +
                                       definition.workflow + "' version " +
                                       std::to_string(definition.version) + ")",
                                   {},
                                   {}});
}

tl::expected<std::vector<StoredDefinition>, Error> Store::definitions() const {
  return std::vector<StoredDefinition>();
}

tl::expected<std::vector<StoredRecord>, Error> Store::records(std::string_view collection) const {
  return detail::error(ErrorCode::store_error,
                       "this store cannot list the records of '" + std::string(collection) + "'");
}

tl::expected<std::vector<Claim>, Error> Store::claim(std::string_view, Time,
                                                     std::chrono::milliseconds, std::size_t) {
  return shares_no_work();
}

tl::expected<std::optional<Claim>, Error> Store::claim_instance(std::string_view, std::string_view,
                                                                std::chrono::milliseconds) {
  return shares_no_work();
}

tl::expected<std::vector<std::string>, Error> Store::renew(std::span<const Claim>,
                                                           std::chrono::milliseconds) {
  return shares_no_work();
}

tl::expected<void, Error> Store::release(const Claim&) {
  return shares_no_work();
}

tl::expected<std::vector<OutboxMail>, Error> Store::claim_mail(std::string_view,
                                                               std::chrono::milliseconds) {
  return outbox(true);
}

void Store::wait_for_work(std::stop_token stop, std::chrono::milliseconds at_most) {
  std::mutex mutex;
  std::condition_variable_any never_notified;
  std::unique_lock lock(mutex);
  never_notified.wait_for(lock, stop, at_most, [] { return false; });
}

}  // namespace ablauf
