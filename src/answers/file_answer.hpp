// check_answer() for file and photo items (internal): an array of file references, each
// checked against the item's media types and size, at most `max_files` of them.
#pragma once

#include "answers/refusal.hpp"

namespace ablauf::detail {

tl::expected<boost::json::value, AnswerError> check_files(const ItemDefinition& item,
                                                          const boost::json::value& value,
                                                          const Refusal& refuse);

}  // namespace ablauf::detail
