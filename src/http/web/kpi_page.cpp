// `/kpi` (pages.hpp): the figures of `ablauf kpi` for a workflow and a period, from
// `GET /api/v1/kpi`, with the payment trend drawn as a chart.
#include "http/router.hpp"
#include "http/web/page.hpp"
#include "http/web/pages.hpp"
#include "http/web/payment_chart.hpp"

namespace ablauf::http::detail::web {
namespace json = boost::json;
namespace {

// Every number in `figures` written as the page's language writes it, beside the number: a
// member "x" gets "x_text". Durations are in seconds; they read as days, hours or minutes.
void add_readable(json::object& figures, std::string_view language) {
  for (auto& [key, value] : figures) {
    if (value.is_object()) {
      add_readable(value.get_object(), language);
    } else if (value.is_array()) {
      for (auto& entry : value.get_array())
        if (entry.is_object()) add_readable(entry.get_object(), language);
    }
  }
  json::object texts;
  for (const auto& [key, value] : figures) {
    if (!value.is_number()) continue;
    const double number = value.to_number<double>();
    std::string text;
    if (std::string_view(key).ends_with("_seconds")) {
      const double hours = number / 3600;
      text = hours >= 48  ? readable_number(hours / 24, 1, language) + " d"
             : hours >= 1 ? readable_number(hours, 1, language) + " h"
                          : readable_number(number / 60, 1, language) + " min";
    } else {
      // Money to the cent; counts whole; averages to the hundredth where they need it.
      const bool money =
          key == "invoiced" || key == "collected" || key == "outstanding" || key == "amount_paid";
      const bool whole = number == static_cast<double>(static_cast<long long>(number));
      text = readable_number(number, money || !whole ? 2 : 0, language);
    }
    texts[std::string(key) + "_text"] = std::move(text);
  }
  for (auto& [key, text] : texts) figures[key] = std::move(text);
}

// Counts by item ({"item": n}) as rows of a table ([{"item", "count"}]): Mustache walks arrays,
// not an object's members.
json::array count_rows(const json::value* counts) {
  json::array rows;
  if (counts && counts->is_object())
    for (const auto& [item, count] : counts->get_object())
      rows.push_back(json::object{{"item", item}, {"count", count}});
  return rows;
}

Response key_figures(const Page& page) {
  const auto& query = page.request().query;
  std::string target = "/api/v1/kpi?";
  json::object filters;
  for (const auto name : {"workflow", "since", "at"})
    if (const auto given = query.find(name); given != query.end() && !given->second.empty()) {
      target += std::string(name) + "=" + path_segment(given->second) + "&";
      filters[name] = given->second;
    }
  json::array workflows;
  for (const auto& workflow : page.api().engine.workflows()) {
    const auto& id = workflow.definition().id;
    if (!workflows.empty() && is_text(workflows.back().as_object().at("id"), id)) continue;
    workflows.push_back(json::object{
        {"id", id},
        {"selected", filters.contains("workflow") && is_text(filters.at("workflow"), id)}});
  }
  json::object view{{"filters", filters}, {"workflows", std::move(workflows)}};
  auto answer = page.call("GET", target);
  if (!answer.ok()) {
    // A filter the API refuses (a date mistyped) is shown beside the filters, not instead.
    view["problem"] = answer.detail();
    return page.render("kpi", std::move(view), answer.status);
  }
  auto& figures = answer.body.as_object();
  if (auto* receivables = figures.if_contains("receivables");
      receivables && receivables->is_object())
    if (const auto* trend = receivables->as_object().if_contains("trend");
        trend && trend->is_array())
      view["chart"] = payment_chart(
          trend->get_array(),
          {page.text("chart_title"), page.text("amount_paid"), page.text("days_to_pay")},
          page.language());
  if (auto* checklists = figures.if_contains("checklists"); checklists && checklists->is_array())
    for (auto& checklist : checklists->get_array())
      if (checklist.is_object())
        checklist.get_object()["flag_rows"] = count_rows(checklist.get_object().if_contains("flags"));
  if (auto* actions = figures.if_contains("actions"); actions && actions->is_object())
    actions->get_object()["item_rows"] = count_rows(actions->get_object().if_contains("by_item"));
  add_readable(figures, page.language());
  view["figures"] = std::move(figures);
  return page.render("kpi", std::move(view));
}

}  // namespace

void add_kpi_page(Router& router, const Api& api) {
  add_page(router, api, "GET", "/kpi", key_figures);
}

}  // namespace ablauf::http::detail::web
