// A group item on the checklist page (internal): its rows as a table of fields, a cell per item,
// and the rows read back from what the form sent. Row n's answer to item `x` of group `g` is the
// field `answer.g.n.x` (a place's parts `answer.g.n.x.latitude` …), counting rows from 0.
#pragma once

#include "http/request_body.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string_view>

namespace ablauf::http::detail::web {

// How many empty rows a repeating group shows beyond those answered, to add more (at most its
// max_rows); saving shows as many again.
inline constexpr std::size_t spare_rows = 2;

// Adds to `group`, a group of the API's form model, what its template shows: "columns" (each
// item's label, unit and whether it is required) and "rows", each with "n" and a cell per item
// (its field, a flag for its control, the value as typed or recorded, options). `value` is the
// answer as typed or recorded, if any.
void add_rows_view(boost::json::object& group, const boost::json::value* value);

// What `fields` send for `group`: the answer as the API takes it (an array of rows, or for a
// group that does not repeat its one object; rows left empty are left out) and the rows as
// typed, to show again if refused. None when the group is not on the form or nothing was typed.
struct SentRows {
  boost::json::value answer;
  boost::json::value typed;
};
std::optional<SentRows> read_rows(const boost::json::object& group, const FormFields& fields);

}  // namespace ablauf::http::detail::web
