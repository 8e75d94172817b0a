// Reading a request's JSON body and query, each problem a 400 or 422 problem document that names
// the member or parameter (internal).
#pragma once

#include <ablauf/http_server.hpp>

#include <boost/json/object.hpp>
#include <tl/expected.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace ablauf::http::detail {

// The body as a JSON object: 400 when it is not JSON, 422 when it is not an object. An empty
// body is an empty object when `empty_is_object`, for calls whose members are all optional.
tl::expected<boost::json::object, Response> object_body(const Request& request,
                                                        bool empty_is_object = false);

// The member `name` as a string: none when absent, 422 when not a string (or empty when
// `required`; absent is then 422 too).
tl::expected<std::optional<std::string>, Response> string_member(const boost::json::object& body,
                                                                 std::string_view name,
                                                                 bool required = false);

// The query parameter `name` as a whole number from `low` to `high`: `fallback` when absent,
// 400 naming it and the range otherwise.
tl::expected<std::size_t, Response> count_parameter(const Request& request, std::string_view name,
                                                    std::size_t fallback, std::size_t low,
                                                    std::size_t high);

// The query parameter `name` as an RFC 3339 time (or a date, its midnight UTC): none when
// absent, 400 naming it otherwise.
tl::expected<std::optional<Time>, Response> time_parameter(const Request& request,
                                                           std::string_view name);

// `?limit=`: how many entries a page of a list holds, from 1 to `max_page_size`;
// default_page_size (or the maximum, if smaller) when absent.
tl::expected<std::size_t, Response> page_limit(const Request& request, std::size_t max_page_size);

// A 422 problem for a member or parameter that is not what the call takes.
Response unprocessable(std::string detail);
// A 400 problem for a query parameter that is not what the call takes.
Response bad_parameter(std::string detail);

}  // namespace ablauf::http::detail
