// How the durable stores write what is not an event (internal): queued mail as JSON text, and
// the JSON objects they keep (records, snapshots) read back with an error naming the place;
// and the hash of an event as they keep it.
#pragma once

#include "ablauf/error.hpp"
#include "ablauf/event.hpp"
#include "ablauf/services.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail {

// {"to", "cc", "bcc", "reply_to", "subject", "body", "html", "key", "date"}, and "attachments"
// when it carries any (without their content, which the BlobStore keeps).
std::string mail_to_text(const Mail& mail);
std::optional<Mail> mail_from_text(std::string_view text);

// A mail's attachments as the outbox and send_email's output name them: {"name", "media_type",
// "sha256", "size"} each, in order; and read back, leaving out entries that are no such object.
boost::json::array attachments_to_json(const std::vector<MailAttachment>& attachments);
std::vector<MailAttachment> attachments_from_json(const boost::json::value* attachments);

// A JSON object kept as text; an invalid_event error saying `what` it was otherwise.
tl::expected<boost::json::object, Error> object_from_text(std::string_view text,
                                                          const std::string& what);

// event_hash(previous, event) of the event as it reads back from `text`, the JSON text of
// to_json(event) that the store keeps: Boost.JSON 1.81 reads some numbers back a unit in the
// last place off, and a hash of the event before the round trip would not match the event
// loaded. Costs a parse per event written.
std::string stored_event_hash(std::string_view previous, const Event& event, std::string_view text);

}  // namespace ablauf::detail
