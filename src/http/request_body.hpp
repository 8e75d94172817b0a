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
#include <utility>
#include <vector>

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

// The fields of an HTML form's body (application/x-www-form-urlencoded), in order, a repeated
// name once per value (a multi-choice sends one per choice ticked).
using FormFields = std::vector<std::pair<std::string, std::string>>;

// Whether the request's body is an HTML form's.
bool has_form_body(const Request& request);

// The fields of `body`; none when one has a broken percent-escape.
std::optional<FormFields> form_fields(std::string_view body);

// The last value of field `name`; none when the form has no such field.
std::optional<std::string_view> form_field(const FormFields& fields, std::string_view name);

// One part of an HTML form sent as multipart/form-data (RFC 7578): a field, or a file chosen.
struct FormPart {
  std::string name;          // the field's
  std::string filename;      // the file's name as the browser gives it; empty for a plain field
  std::string content_type;  // the part's Content-Type, as the browser gives it; may be empty
  std::string content;
};

// Whether the request's body is an HTML form's multipart body, as a form that sends a file is.
bool has_multipart_body(const Request& request);

// The parts of the request's multipart/form-data body; none when it is not one, has no
// boundary, or is cut short.
std::optional<std::vector<FormPart>> multipart_parts(const Request& request);

// The form of an HTML form's body, URL-encoded or multipart: its plain fields (as form_fields()
// reads them) and the files chosen (the parts with a file name and content). None when the body
// cannot be read.
struct SentForm {
  FormFields fields;
  std::vector<FormPart> files;
};
std::optional<SentForm> sent_form(const Request& request);

// A 422 problem for a member or parameter that is not what the call takes.
Response unprocessable(std::string detail);
// A 400 problem for a query parameter that is not what the call takes.
Response bad_parameter(std::string detail);

}  // namespace ablauf::http::detail
