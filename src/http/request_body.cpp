// Reading a request's JSON body and query (request_body.hpp).
#include "http/request_body.hpp"

#include "http/api_v1.hpp"
#include "http/router.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace ablauf::http::detail {
namespace json = boost::json;

Response unprocessable(std::string detail) {
  return Response::problem(422, "Unprocessable content", detail);
}

Response bad_parameter(std::string detail) {
  return Response::problem(400, "Bad query parameter", detail);
}

namespace {

// Whether the request's Content-Type is `media_type` (lower case), whatever its parameters.
bool has_media_type(const Request& request, std::string_view media_type) {
  std::string_view type = request.header("Content-Type");
  type = type.substr(0, type.find(';'));
  while (type.ends_with(' ')) type.remove_suffix(1);
  return std::equal(
      type.begin(), type.end(), media_type.begin(), media_type.end(),
      [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; });
}

// The value of parameter `name` in a header's value (`form-data; name="x"`), unquoted; empty
// when it has none. Matches the name whole: "name" is not found in "filename".
std::string header_parameter(std::string_view header, std::string_view name) {
  std::size_t at = 0;
  while ((at = header.find(';', at)) != std::string_view::npos) {
    ++at;
    while (at < header.size() && header[at] == ' ') ++at;
    if (header.substr(at, name.size()) != name || header.substr(at + name.size(), 1) != "=")
      continue;
    std::string_view value = header.substr(at + name.size() + 1);
    if (value.starts_with('"')) {
      value.remove_prefix(1);
      return std::string(value.substr(0, value.find('"')));
    }
    return std::string(value.substr(0, value.find(';')));
  }
  return {};
}

}  // namespace

bool has_form_body(const Request& request) {
  return has_media_type(request, "application/x-www-form-urlencoded");
}

bool has_multipart_body(const Request& request) {
  return has_media_type(request, "multipart/form-data");
}

std::optional<std::vector<FormPart>> multipart_parts(const Request& request) {
  if (!has_multipart_body(request)) return std::nullopt;
  const std::string boundary = header_parameter(request.header("Content-Type"), "boundary");
  if (boundary.empty()) return std::nullopt;
  const std::string delimiter = "--" + boundary;
  const std::string_view body = request.body;
  std::size_t at = body.find(delimiter);
  std::vector<FormPart> parts;
  while (at != std::string_view::npos) {
    at += delimiter.size();
    if (body.substr(at, 2) == "--") return parts;  // the closing delimiter
    if (body.substr(at, 2) != "\r\n") return std::nullopt;
    at += 2;
    const auto headers_end = body.find("\r\n\r\n", at);
    if (headers_end == std::string_view::npos) return std::nullopt;
    FormPart part;
    for (std::string_view headers = body.substr(at, headers_end - at); !headers.empty();) {
      const auto line_end = headers.find("\r\n");
      const auto line = headers.substr(0, line_end);
      headers =
          line_end == std::string_view::npos ? std::string_view() : headers.substr(line_end + 2);
      const auto named = [&](std::string_view header) {
        return line.size() >= header.size() &&
               std::equal(header.begin(), header.end(), line.begin(), [](char a, char b) {
                 return a == std::tolower(static_cast<unsigned char>(b));
               });
      };
      if (named("content-disposition:")) {
        part.name = header_parameter(line, "name");
        part.filename = header_parameter(line, "filename");
      } else if (constexpr std::string_view type = "content-type:"; named(type)) {
        const auto value = line.substr(type.size());
        const auto first = value.find_first_not_of(' ');
        part.content_type = first == std::string_view::npos ? "" : std::string(value.substr(first));
      }
    }
    const auto content = headers_end + 4;
    const auto end = body.find("\r\n" + delimiter, content);
    if (end == std::string_view::npos) return std::nullopt;
    part.content = std::string(body.substr(content, end - content));
    parts.push_back(std::move(part));
    at = end + 2;
  }
  return std::nullopt;  // no delimiter at all
}

std::optional<SentForm> sent_form(const Request& request) {
  SentForm sent;
  if (!has_multipart_body(request)) {
    auto fields = form_fields(request.body);
    if (!fields) return std::nullopt;
    sent.fields = std::move(*fields);
    return sent;
  }
  auto parts = multipart_parts(request);
  if (!parts) return std::nullopt;
  for (auto& part : *parts) {
    if (part.filename.empty())
      sent.fields.emplace_back(std::move(part.name), std::move(part.content));
    else if (!part.content.empty())  // a file input left empty sends a part with no content
      sent.files.push_back(std::move(part));
  }
  return sent;
}

std::optional<FormFields> form_fields(std::string_view body) {
  FormFields fields;
  while (!body.empty()) {
    const auto amp = body.find('&');
    const auto part = body.substr(0, amp);
    body = amp == std::string_view::npos ? std::string_view() : body.substr(amp + 1);
    if (part.empty()) continue;
    const auto equals = part.find('=');
    std::string name, value;
    if (!percent_decode(part.substr(0, equals), true, name)) return std::nullopt;
    if (equals != std::string_view::npos && !percent_decode(part.substr(equals + 1), true, value))
      return std::nullopt;
    fields.emplace_back(std::move(name), std::move(value));
  }
  return fields;
}

std::optional<std::string_view> form_field(const FormFields& fields, std::string_view name) {
  for (auto field = fields.rbegin(); field != fields.rend(); ++field)
    if (field->first == name) return field->second;
  return std::nullopt;
}

tl::expected<json::object, Response> object_body(const Request& request, bool empty_is_object) {
  if (empty_is_object && request.body.find_first_not_of(" \t\r\n") == std::string::npos)
    return json::object();
  boost::system::error_code failed;
  auto body = json::parse(request.body, failed);
  if (failed)
    return tl::make_unexpected(
        Response::problem(400, "Bad JSON", "the body is not JSON: " + failed.message()));
  if (!body.is_object())
    return tl::make_unexpected(unprocessable("the body must be a JSON object"));
  return std::move(body.as_object());
}

tl::expected<std::optional<std::string>, Response> string_member(const json::object& body,
                                                                 std::string_view name,
                                                                 bool required) {
  const auto* member = body.if_contains(name);
  const std::string quoted = "\"" + std::string(name) + "\"";
  if (!member) {
    if (required) return tl::make_unexpected(unprocessable(quoted + " is required, as a string"));
    return std::nullopt;
  }
  if (!member->is_string()) return tl::make_unexpected(unprocessable(quoted + " must be a string"));
  if (required && member->get_string().empty())
    return tl::make_unexpected(unprocessable(quoted + " must not be empty"));
  return std::string(member->get_string());
}

tl::expected<std::size_t, Response> count_parameter(const Request& request, std::string_view name,
                                                    std::size_t fallback, std::size_t low,
                                                    std::size_t high) {
  const auto given = request.query.find(name);
  if (given == request.query.end()) return fallback;
  const std::string& text = given->second;
  std::size_t value = 0;
  const auto [end, failed] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || failed != std::errc() || end != text.data() + text.size() || value < low ||
      value > high)
    return tl::make_unexpected(bad_parameter(
        "'" + std::string(name) + "' must be a whole number from " + std::to_string(low) + " to " +
        std::to_string(high) + ", not '" + text + "'"));
  return value;
}

tl::expected<std::optional<Time>, Response> time_parameter(const Request& request,
                                                           std::string_view name) {
  const auto given = request.query.find(name);
  if (given == request.query.end()) return std::nullopt;
  auto time = parse_rfc3339(given->second);
  if (!time)
    return tl::make_unexpected(bad_parameter("'" + std::string(name) +
                                             "' must be an RFC 3339 time such as "
                                             "2026-12-01T00:00:00Z: " +
                                             time.error()));
  return *time;
}

tl::expected<std::size_t, Response> page_limit(const Request& request, std::size_t max_page_size) {
  return count_parameter(request, "limit", std::min(default_page_size, max_page_size), 1,
                         max_page_size);
}

}  // namespace ablauf::http::detail
