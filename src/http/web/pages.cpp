// The pages' shared routes: static files, the way in, the language a person chooses
// (pages.hpp).
#include "http/web/pages.hpp"

#include "http/web/page.hpp"

namespace ablauf::http::detail {
namespace {

// The Content-Type of a static file, by its name's ending.
std::string_view media_type(std::string_view name) {
  if (name.ends_with(".css")) return "text/css; charset=utf-8";
  if (name.ends_with(".js")) return "text/javascript; charset=utf-8";
  if (name.ends_with(".svg")) return "image/svg+xml";
  return "application/octet-stream";
}

Response static_file(const Request& request) {
  const auto& files = embedded_files();
  const auto found = files.find("static/" + request.parameters.at("file"));
  if (found == files.end())
    return Response::problem(404, "Not found", "no static file " + request.path);
  Response response{
      .status = 200, .content_type = std::string(media_type(found->first)), .body = found->second};
  web::add_page_headers(response);
  // Pages name them with the build's version, so that a new build is fetched at once.
  response.headers.back() = {"Cache-Control", "public, max-age=86400"};
  return response;
}

Response choose_language(const Request& request) {
  const auto& code = request.parameters.at("code");
  if (std::find(web::languages.begin(), web::languages.end(), code) == web::languages.end())
    return Response::problem(404, "Not found", "the pages speak no language '" + code + "'");
  const auto next = request.query.find("next");
  auto response =
      web::redirect(web::local_target(next != request.query.end() ? next->second : "/inbox"));
  response.headers.emplace_back("Set-Cookie", std::string(web::language_cookie) + "=" + code +
                                                  "; Path=/; Max-Age=31536000; SameSite=Lax");
  return response;
}

}  // namespace

void add_pages(Router& router, const Api& api) {
  router.add("GET", "/static/{file}", static_file, Access::open);
  router.add(
      "GET", "/", [](const Request&) { return web::redirect("/inbox"); }, Access::open);
  router.add("GET", "/language/{code}", choose_language, Access::open);
  web::add_sign_in_pages(router, api);
  web::add_inbox_pages(router, api);
  web::add_checklist_page(router, api);
  web::add_instance_pages(router, api);
  web::add_start_pages(router, api);
  web::add_kpi_page(router, api);
  web::add_definition_pages(router, api);
}

}  // namespace ablauf::http::detail
