#include "http/router.hpp"

#include "http/request_body.hpp"

#include <algorithm>

namespace ablauf::http::detail {
namespace {

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// "/a/b/" → {"a", "b", ""}: a trailing slash is a segment of its own, so "/x/" is not "/x".
std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  if (path.starts_with('/')) path.remove_prefix(1);
  for (;;) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) break;
    path.remove_prefix(slash + 1);
  }
  return segments;
}

bool is_parameter(std::string_view segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::string path_segment(std::string_view text) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    const bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                            (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += c;
    } else {
      out += '%';
      out += hex[byte >> 4];
      out += hex[byte & 0xF];
    }
  }
  return out;
}

bool percent_decode(std::string_view text, bool query, std::string& decoded) {
  decoded.clear();
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '+' && query) {
      decoded += ' ';
    } else if (c != '%') {
      decoded += c;
    } else {
      if (i + 2 >= text.size()) return false;
      const int high = hex_digit(text[i + 1]);
      const int low = hex_digit(text[i + 2]);
      if (high < 0 || low < 0 || (high == 0 && low == 0)) return false;
      decoded += static_cast<char>(high * 16 + low);
      i += 2;
    }
  }
  return true;
}

void Router::add(std::string method, std::string pattern, Handler handler, Access access,
                 Refusal refusal) {
  std::vector<std::string> segments;
  for (const auto segment : split_path(pattern)) segments.emplace_back(segment);
  const auto same = std::find_if(routes_.begin(), routes_.end(), [&](const Route& r) {
    return r.method == method && r.segments == segments;
  });
  if (same != routes_.end()) {
    same->handler = std::move(handler);
    same->access = access;
    same->refusal = std::move(refusal);
  } else {
    routes_.push_back({std::move(method), std::move(pattern), std::move(segments),
                       std::move(handler), access, std::move(refusal)});
  }
}

Response Router::dispatch(Request& request, std::string_view target) const {
  return route(request, target, true);
}

Response Router::call(Request& request, std::string_view target) const {
  return route(request, target, false);
}

Response Router::route(Request& request, std::string_view target, bool gated) const {
  const auto question = target.find('?');
  request.path = std::string(target.substr(0, question));
  if (question != std::string_view::npos) {
    // A query is encoded as an HTML form's body is.
    auto pairs = form_fields(target.substr(question + 1));
    if (!pairs) return Response::problem(400, "Bad query", "the query has a broken percent-escape");
    for (auto& [name, value] : *pairs) request.query[std::move(name)] = std::move(value);
  }

  const auto segments = split_path(request.path);
  std::vector<std::string> allowed;
  for (const auto& route : routes_) {
    if (route.segments.size() != segments.size()) continue;
    std::map<std::string, std::string, std::less<>> parameters;
    bool matches = true;
    for (std::size_t i = 0; i < segments.size() && matches; ++i) {
      if (is_parameter(route.segments[i])) {
        std::string value;
        if (!percent_decode(segments[i], false, value))
          return Response::problem(400, "Bad path", "the path has a broken percent-escape");
        matches = !value.empty();
        parameters[route.segments[i].substr(1, route.segments[i].size() - 2)] = std::move(value);
      } else {
        matches = route.segments[i] == segments[i];
      }
    }
    if (!matches) continue;
    if (route.method != request.method) {
      allowed.push_back(route.method);
      continue;
    }
    request.parameters = std::move(parameters);
    request.route = route.pattern;
    if (gate_ && gated)
      if (auto refused = gate_(request, route.access))
        return route.refusal ? route.refusal(request, std::move(*refused)) : std::move(*refused);
    return route.handler(request);
  }
  if (allowed.empty()) return Response::problem(404, "Not found", "no resource at " + request.path);
  std::sort(allowed.begin(), allowed.end());
  std::string allow;
  for (const auto& method : allowed) allow += (allow.empty() ? "" : ", ") + method;
  auto response = Response::problem(
      405, "Method not allowed",
      request.method + " is not a method of " + request.path + "; it takes " + allow);
  response.headers.emplace_back("Allow", allow);
  return response;
}

}  // namespace ablauf::http::detail
