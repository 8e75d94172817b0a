// How the durable stores write what is not an event (internal): queued mail as JSON text, and
// the JSON objects they keep (records, snapshots) read back with an error naming the place.
#pragma once

#include "ablauf/error.hpp"
#include "ablauf/services.hpp"

#include <boost/json/object.hpp>
#include <tl/expected.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ablauf::detail {

// {"to", "cc", "bcc", "reply_to", "subject", "body", "html", "key"}
std::string mail_to_text(const Mail& mail);
std::optional<Mail> mail_from_text(std::string_view text);

// A JSON object kept as text; an invalid_event error saying `what` it was otherwise.
tl::expected<boost::json::object, Error> object_from_text(std::string_view text,
                                                          const std::string& what);

}  // namespace ablauf::detail
