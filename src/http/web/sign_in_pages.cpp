// `/sign-in` and `/sign-out` (pages.hpp): the session the other pages run in, on the same
// users, limits and cookie as `POST /api/v1/session`.
#include "http/authentication.hpp"
#include "http/request_body.hpp"
#include "http/web/page.hpp"
#include "http/web/pages.hpp"

namespace ablauf::http::detail::web {
namespace json = boost::json;
namespace {

Response sign_in_form(const Api& api, const Request& request) {
  const auto next = request.query.find("next");
  const std::string target = local_target(next != request.query.end() ? next->second : "/inbox");
  // Signed in already, or no one signs in: nothing to ask.
  if (request.user) return redirect(target);
  return Page(api, request).render("sign_in", json::object{{"next", target}});
}

Response sign_in_sent(const Api& api, const Request& request) {
  const Page page(api, request);
  const auto fields = form_fields(request.body);
  if (!fields) return page.error(400, page.text("error_bad_form"));
  const std::string name(form_field(*fields, "name").value_or(""));
  const std::string target = local_target(form_field(*fields, "next").value_or("/inbox"));
  auto signed_in = sign_in(api.authentication, request, name,
                           std::string(form_field(*fields, "password").value_or("")));
  if (!signed_in) {
    const auto status = signed_in.error().status;
    if (status == 501) return redirect(target);  // no users: everyone is in
    const std::string why = status == 429 ? page.text("sign_in_wait") : page.text("sign_in_wrong");
    // The name stays in its field; the password does not come back.
    auto answer = page.render(
        "sign_in", json::object{{"next", target}, {"name", name}, {"error", why}}, status);
    for (const auto& header : signed_in.error().headers)
      if (header.first == "Retry-After") answer.headers.push_back(header);
    return answer;
  }
  auto answer = redirect(target);
  answer.headers.emplace_back("Set-Cookie", std::move(signed_in->set_cookie));
  return answer;
}

}  // namespace

void add_sign_in_pages(Router& router, const Api& api) {
  router.add(
      "GET", "/sign-in", [api](const Request& request) { return sign_in_form(api, request); },
      Access::open);
  router.add(
      "POST", "/sign-in", [api](const Request& request) { return sign_in_sent(api, request); },
      Access::open);
  add_page(router, api, "POST", "/sign-out", [](const Page& page) {
    auto answer = redirect("/sign-in");
    answer.headers.emplace_back("Set-Cookie", sign_out(page.api().authentication, page.request()));
    return answer;
  });
}

}  // namespace ablauf::http::detail::web
