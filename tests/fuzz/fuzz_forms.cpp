// Fuzzes the readers of what a browser's forms send: the fields of an URL-encoded body, the
// parts of a multipart one (a file upload), and the check that keeps a sign-in's `next` on this
// server. An input is the Content-Type header's value on its first line and the body after it.
#include <ablauf/http_server.hpp>

#include "http/request_body.hpp"
#include "http/web/page.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const auto line_end = input.find('\n');
  if (line_end == std::string_view::npos) return 0;
  ablauf::http::Request request;
  request.method = "POST";
  request.headers.emplace_back("Content-Type", std::string(input.substr(0, line_end)));
  request.body = std::string(input.substr(line_end + 1));

  namespace detail = ablauf::http::detail;
  if (const auto fields = detail::form_fields(request.body))
    for (const auto& [name, value] : *fields)
      if (detail::form_field(*fields, name).value_or("").size() > request.body.size()) std::abort();
  if (const auto parts = detail::multipart_parts(request))
    for (const auto& part : *parts)
      if (part.content.size() > request.body.size()) std::abort();  // a part lies in the body
  // Wherever `next` points, the target stays a path on this server.
  const auto target = detail::web::local_target(request.body);
  if (!target.starts_with('/') || target.starts_with("//") || target.starts_with("/\\"))
    std::abort();
  return 0;
}
