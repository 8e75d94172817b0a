// check_answer() for group items (internal): one object of the group's items' answers, or, for a
// repeating group, an array of such rows, `min_rows` to `max_rows` of them.
#pragma once

#include "answers/refusal.hpp"

namespace ablauf::detail {

tl::expected<boost::json::value, AnswerError> check_group(const ItemDefinition& group,
                                                          const boost::json::value& value,
                                                          const Refusal& refuse);

}  // namespace ablauf::detail
