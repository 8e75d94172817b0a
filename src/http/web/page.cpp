// What every page shares (page.hpp).
#include "http/web/page.hpp"

#include "http/authentication.hpp"
#include "http/router.hpp"
#include "http/sessions.hpp"

#include <ablauf/json.hpp>
#include <ablauf/template.hpp>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <vector>

namespace ablauf::http::detail::web {
namespace json = boost::json;
namespace {

constexpr std::string_view template_folder = "templates/";
constexpr std::string_view template_suffix = ".mustache";

// Every template, compiled once, by its name ("inbox"): each page names its own, and they
// name the layout they fill and the partials they share. A template that does not compile is a
// fault of this build, found by the first page that needs one.
const TemplatePartials& templates() {
  static const TemplatePartials all = [] {
    TemplatePartials out;
    TemplateLimits limits;
    limits.max_template_bytes = 256 * 1024;
    for (const auto& [path, text] : embedded_files()) {
      const std::string_view name(path);
      if (!name.starts_with(template_folder) || !name.ends_with(template_suffix)) continue;
      auto compiled = Template::compile(text, limits);
      if (!compiled)
        throw std::logic_error(std::string(path) + ": " + compiled.error().message + " at byte " +
                               std::to_string(compiled.error().offset));
      out.emplace(name.substr(template_folder.size(),
                              name.size() - template_folder.size() - template_suffix.size()),
                  std::move(*compiled));
    }
    return out;
  }();
  return all;
}

// The pages' texts in `language` (text/<language>.json), parsed once.
const json::object& texts(std::string_view language) {
  static const std::map<std::string, json::object, std::less<>> all = [] {
    std::map<std::string, json::object, std::less<>> out;
    for (const auto code : languages)
      out.emplace(
          code,
          json::parse(embedded_files().at("text/" + std::string(code) + ".json")).as_object());
    return out;
  }();
  return all.find(language)->second;
}

// A digest of the static files, in their links: a browser keeps them a day, and fetches them
// again at once when a new build changes them.
const std::string& asset_version() {
  static const std::string version = [] {
    std::size_t digest = 0;
    for (const auto& [path, text] : embedded_files())
      if (path.starts_with("static/"))
        digest = digest * 31 + std::hash<std::string>()(path + '\n' + text);
    char hex[17];
    std::snprintf(hex, sizeof hex, "%016zx", digest);
    return std::string(hex);
  }();
  return version;
}

bool speaks(std::string_view language) {
  return std::find(languages.begin(), languages.end(), language) != languages.end();
}

// The first of the languages the pages speak that Accept-Language ranks highest ("de-DE,
// de;q=0.9, en;q=0.8" → "de"); empty when it names none of them.
std::string accepted_language(std::string_view header) {
  std::string best;
  double best_quality = 0;
  while (!header.empty()) {
    const auto comma = header.find(',');
    std::string_view entry = header.substr(0, comma);
    header = comma == std::string_view::npos ? std::string_view() : header.substr(comma + 1);
    double quality = 1;
    if (const auto semicolon = entry.find(';'); semicolon != std::string_view::npos) {
      const auto q = entry.find("q=", semicolon);
      if (q != std::string_view::npos)
        quality = std::strtod(std::string(entry.substr(q + 2)).c_str(), nullptr);
      entry = entry.substr(0, semicolon);
    }
    while (entry.starts_with(' ')) entry.remove_prefix(1);
    while (entry.ends_with(' ')) entry.remove_suffix(1);
    std::string primary(entry.substr(0, entry.find('-')));
    std::transform(primary.begin(), primary.end(), primary.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (speaks(primary) && quality > best_quality) {
      best = primary;
      best_quality = quality;
    }
  }
  return best;
}

std::string choose_language(const Request& request) {
  if (const auto chosen = cookie(request, language_cookie); speaks(chosen))
    return std::string(chosen);
  if (request.user && speaks(request.user->language)) return request.user->language;
  if (auto accepted = accepted_language(request.header("Accept-Language")); !accepted.empty())
    return accepted;
  return std::string(languages.front());
}

}  // namespace

std::string ApiAnswer::detail() const {
  if (const auto* object = body.if_object())
    if (const auto* text = object->if_contains("detail"); text && text->is_string())
      return std::string(text->get_string());
  return {};
}

Page::Page(const Api& api, const Request& request)
    : api_(api), request_(request), language_(choose_language(request)) {}

std::string Page::text(std::string_view key) const {
  if (const auto* found = texts(language_).if_contains(key); found && found->is_string())
    return std::string(found->get_string());
  return std::string(key);
}

ApiAnswer Page::call(std::string_view method, std::string_view target, const json::value& body,
                     std::string_view key) const {
  Request call;
  if (!body.is_null()) {
    call.body = json::serialize(body);
    call.headers.emplace_back("Content-Type", "application/json");
  }
  if (!key.empty()) call.headers.emplace_back("Idempotency-Key", std::string(key));
  return send(call, method, target);
}

ApiAnswer Page::call_with_text(std::string_view method, std::string_view target, std::string body,
                               std::string_view content_type) const {
  Request call;
  call.body = std::move(body);
  if (!content_type.empty()) call.headers.emplace_back("Content-Type", std::string(content_type));
  return send(call, method, target);
}

ApiAnswer Page::send(Request& call, std::string_view method, std::string_view target) const {
  call.method = std::string(method);
  call.user = request_.user;
  call.by_session = request_.by_session;
  call.remote = request_.remote;
  call.request_id = request_.request_id;
  auto response = api_.router.call(call, target);
  ApiAnswer answer{response.status, nullptr};
  if (response.content_type.find("json") != std::string::npos) {
    boost::system::error_code not_json;
    answer.body = json::parse(response.body, not_json);
  }
  return answer;
}

tl::expected<Response, std::string> Page::rendered(std::string_view name, json::object view,
                                                   unsigned status) const {
  const auto& all = templates();
  const auto page = all.find(name);
  if (page == all.end()) return tl::make_unexpected("no page template '" + std::string(name) + "'");
  view["lang"] = language_;
  view["t"] = texts(language_);
  view["path"] = request_.path;
  json::array others;
  for (const auto code : languages)
    if (code != language_)
      others.push_back(json::object{{"code", code},
                                    {"name", texts(code).at("language_name")},
                                    {"href", "/language/" + std::string(code) + "?next=" +
                                                 path_segment(request_target(request_))}});
  view["other_languages"] = std::move(others);
  view["page_" + std::string(name)] = true;  // the navigation marks the page it is on
  if (request_.user) {
    const auto& user = *request_.user;
    view["user"] =
        json::object{{"name", user.name},
                     {"display_name", user.display_name.empty() ? user.name : user.display_name}};
  }
  view["users"] = api_.options.authenticator != nullptr;  // whether anyone signs out
  view["csrf_field"] = csrf_field;
  view["csrf"] = session_csrf_token(api_.authentication, request_);
  view["key_field"] = key_field;
  view["key"] = random_token();
  view["asset_version"] = asset_version();
  RenderOptions options;
  options.partials = &all;
  options.max_output_bytes = api_.options.max_page_bytes;
  // Bounds the time of a page that writes little: about one step per sixteen bytes written.
  options.max_render_steps = api_.options.max_page_bytes / 16;
  auto html = ablauf::render(page->second, view, options);
  if (!html)
    return tl::make_unexpected(text("error_page_too_large") + " (" + html.error().message + ")");
  Response response{
      .status = status, .content_type = "text/html; charset=utf-8", .body = std::move(*html)};
  add_page_headers(response);
  return response;
}

Response Page::render(std::string_view name, json::object view, unsigned status) const {
  auto page = rendered(name, std::move(view), status);
  return page ? std::move(*page) : error(500, page.error());
}

Response Page::error(unsigned status, std::string_view detail) const {
  json::object view{{"status", status}, {"detail", detail}};
  view["title"] = text(status == 403   ? "error_forbidden"
                       : status == 404 ? "error_not_found"
                                       : "error_title");
  // An error page that cannot be rendered either is said in plain text, not tried again.
  if (auto page = rendered("error", std::move(view), status)) return std::move(*page);
  Response response{
      .status = status, .content_type = "text/plain; charset=utf-8", .body = std::string(detail)};
  add_page_headers(response);
  return response;
}

Response Page::error(const ApiAnswer& answer) const {
  auto detail = answer.detail();
  return error(answer.status, detail.empty() ? text("error_title") : detail);
}

void add_page(Router& router, const Api& api, std::string method, std::string pattern,
              PageHandler handler) {
  router.add(
      std::move(method), std::move(pattern),
      [api, handler = std::move(handler)](const Request& request) {
        if (!request.user) {
          std::string back = request_target(request);
          if (request.method != "GET") back = "/inbox";  // a form is not sent again unseen
          return redirect("/sign-in?next=" + path_segment(back));
        }
        return handler(Page(api, request));
      },
      Access::open,
      [api](const Request& request, Response refused) {
        // A form without the page's CSRF token (an old tab, another site's form): said as a
        // page, in the browser's language (the gate refused before it knew the user), with the
        // status and headers the gate gave.
        const Page page(api, request);
        auto answer = page.error(refused.status,
                                 page.text(refused.status == 403 ? "error_csrf" : "error_title"));
        for (auto& header : refused.headers) answer.headers.push_back(std::move(header));
        return answer;
      });
}

Response redirect(std::string location) {
  Response response{.status = 303, .content_type = {}, .body = {}};
  response.headers.emplace_back("Location", std::move(location));
  add_page_headers(response);
  return response;
}

std::string local_target(std::string_view next) {
  // "//host" and "/\host" lead to another host in browsers; control characters split headers.
  const bool local = next.starts_with('/') && !next.starts_with("//") && !next.starts_with("/\\") &&
                     std::none_of(next.begin(), next.end(),
                                  [](char c) { return static_cast<unsigned char>(c) < 0x20; });
  return local ? std::string(next) : std::string("/inbox");
}

void add_page_headers(Response& response) {
  response.headers.emplace_back(
      "Content-Security-Policy",
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; "
      "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "same-origin");
  response.headers.emplace_back("Cache-Control", "no-store");
}

std::string readable_time(Time time, std::string_view language) {
  const auto day = std::chrono::floor<std::chrono::days>(time);
  const std::chrono::year_month_day date(day);
  const std::chrono::hh_mm_ss clock(std::chrono::floor<std::chrono::minutes>(time - day));
  char text[48];
  if (language == "de")
    std::snprintf(text, sizeof text, "%02u.%02u.%04d, %02d:%02d UTC",
                  static_cast<unsigned>(date.day()), static_cast<unsigned>(date.month()),
                  static_cast<int>(date.year()), static_cast<int>(clock.hours().count()),
                  static_cast<int>(clock.minutes().count()));
  else
    std::snprintf(text, sizeof text, "%04d-%02u-%02u %02d:%02d UTC", static_cast<int>(date.year()),
                  static_cast<unsigned>(date.month()), static_cast<unsigned>(date.day()),
                  static_cast<int>(clock.hours().count()),
                  static_cast<int>(clock.minutes().count()));
  return text;
}

std::string request_target(const Request& request) {
  std::string target = request.path;
  char separator = '?';
  for (const auto& [name, value] : request.query) {
    target += separator + path_segment(name) + "=" + path_segment(value);
    separator = '&';
  }
  return target;
}

void close_names(json::object& object, std::initializer_list<std::string_view> names) {
  for (const auto name : names)
    if (!object.contains(name)) object[name] = nullptr;
}

std::string instance_page(std::string_view instance) {
  return "/instances/" + path_segment(instance);
}

}  // namespace ablauf::http::detail::web
