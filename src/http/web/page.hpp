// What every page shares: its language and texts, its template rendered into an answer with the
// headers a page needs, and the API the pages call in-process for every change (internal;
// docs/web.md).
#pragma once

#include "http/api_v1.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <array>
#include <functional>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

namespace ablauf::http::detail {

// The files compiled in from src/http/web, by their path there ("templates/inbox.mustache"):
// web_files.cpp, made by src/cmake/AblaufEmbed.cmake.
const std::map<std::string, std::string, std::less<>>& embedded_files();

namespace web {

// The languages the pages speak, in the order a tie is broken; the first when a browser asks
// for none of them.
inline constexpr std::array<std::string_view, 2> languages{"en", "de"};
// The cookie that keeps the language a person chose on a page.
inline constexpr std::string_view language_cookie = "ablauf_lang";
// The field in which a page's change carries the Idempotency-Key it was rendered with: a form
// sent twice (a double click, a reload) is answered as the first time, and changes nothing more.
inline constexpr std::string_view key_field = "idempotency_key";

// What the API answered a page's call.
struct ApiAnswer {
  unsigned status = 0;
  boost::json::value body;  // the JSON answer or problem document; null for another type

  bool ok() const { return status >= 200 && status < 300; }
  // The problem document's "detail"; empty when it has none.
  std::string detail() const;
};

// One page being answered: who asks, and in which language.
class Page {
 public:
  Page(const Api& api, const Request& request);

  const Api& api() const { return api_; }
  const Request& request() const { return request_; }
  // "de" or "en": the language the person chose on a page (a cookie), else the one the users
  // file gives them, else the first of Accept-Language the pages speak, else English.
  const std::string& language() const { return language_; }
  // The text `key` in the page's language (src/http/web/text/<language>.json); the key itself
  // when there is none, so that a missing text shows rather than hides.
  std::string text(std::string_view key) const;

  // The API's answer to `method target` with `body` as JSON (none when null), as the user the
  // page's request came from. `key` becomes the call's Idempotency-Key.
  ApiAnswer call(std::string_view method, std::string_view target,
                 const boost::json::value& body = nullptr, std::string_view key = {}) const;
  // The same with `body` sent as it is, as a file's content, of `content_type` when given.
  ApiAnswer call_with_text(std::string_view method, std::string_view target, std::string body,
                           std::string_view content_type = {}) const;

  // The page `name` (templates/<name>.mustache) with `view`, and beside it what the layout
  // needs: the texts, the user, the CSRF token, a fresh idempotency key, the languages. An
  // error page when the template cannot be rendered.
  Response render(std::string_view name, boost::json::object view, unsigned status = 200) const;
  // The error page: `status` with the sentence `detail`.
  Response error(unsigned status, std::string_view detail) const;
  // The error page for what the API answered.
  Response error(const ApiAnswer& answer) const;

 private:
  ApiAnswer send(Request& call, std::string_view method, std::string_view target) const;
  // The page, or why it cannot be rendered.
  tl::expected<Response, std::string> rendered(std::string_view name, boost::json::object view,
                                               unsigned status) const;

  const Api& api_;
  const Request& request_;
  std::string language_;
};

// A page's handler.
using PageHandler = std::function<Response(const Page& page)>;

// Registers `handler` for `method pattern`, open at the gate: a person who is not signed in is
// sent to the sign-in page (and back after it) rather than answered 401.
void add_page(Router& router, const Api& api, std::string method, std::string pattern,
              PageHandler handler);

// 303 See Other to `location`, which the browser then GETs: the answer to every form sent.
Response redirect(std::string location);

// `next` when it is a path on this server ("/inbox?page=2"), else "/inbox": a link in a mail
// that says where to go after signing in must not lead elsewhere.
std::string local_target(std::string_view next);

// The headers every page carries: a Content-Security-Policy that lets run only the server's
// own script and style, and no framing, sniffing or referrer leaks.
void add_page_headers(Response& response);

// Sets each of `names` that `object` lacks to null. A Mustache name missing from an entry is
// looked up in the entries around it: an item without a description would show its section's.
void close_names(boost::json::object& object, std::initializer_list<std::string_view> names);

// Whether `value` is the string `text`.
inline bool is_text(const boost::json::value& value, std::string_view text) {
  return value.is_string() && value.get_string() == text;
}

// The request's path with its query, encoded again: where to come back to.
std::string request_target(const Request& request);

// A time as people read it in `language` ("07.12.2026, 14:05 UTC", "2026-12-07 14:05 UTC").
std::string readable_time(Time time, std::string_view language);

// `/instances/<id>`: an instance's page; path segments escaped.
std::string instance_page(std::string_view instance);

}  // namespace web
}  // namespace ablauf::http::detail
