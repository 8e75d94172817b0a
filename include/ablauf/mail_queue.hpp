/// @file
/// The outbox: mail that send_email queued, kept with the events that queued it.
///
/// A mail is queued in the same commit as the step that composed it (Commit::mails), so it is
/// neither lost nor queued twice when the process dies. The engine then hands it to the host's
/// Mailer and records that it did (mark_sent); see docs/engine.md for the whole path.
///
/// Thread-safety: every MailQueue may be called from several threads at once.
#pragma once

#include <ablauf/error.hpp>
#include <ablauf/services.hpp>

#include <tl/expected.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf {

/// A mail in a store's outbox.
struct OutboxMail {
  std::int64_t id = 0;                    ///< in the order queued
  std::string instance;                   ///< the instance whose send_email step queued it
  Mail mail;                              ///< the mail itself
  std::optional<std::string> message_id;  ///< set once handed to the Mailer
};

/// A store's outbox, as the engine reads and confirms it.
class MailQueue {
 public:
  virtual ~MailQueue() = default;

  /// The outbox, oldest first: every mail, or those not yet handed on.
  virtual tl::expected<std::vector<OutboxMail>, Error> outbox(bool unsent_only) const = 0;
  /// Records that a mail was handed to the Mailer, under the message id it gave.
  virtual tl::expected<void, Error> mark_sent(std::int64_t mail, std::string_view message_id) = 0;
};

}  // namespace ablauf
