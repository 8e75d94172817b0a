// The payment trend of the key figures as a chart: SVG made on the server, so that the page
// needs no script to draw it (internal; docs/web.md#key-figures).
#pragma once

#include <boost/json/array.hpp>

#include <string>
#include <string_view>

namespace ablauf::http::detail::web {

// The texts a chart shows, in the page's language.
struct ChartTexts {
  std::string title;        // read by screen readers as the chart's name
  std::string amount_paid;  // the bars' legend
  std::string days_to_pay;  // the line's legend
};

// A bar per month of `trend` (the "trend" of `GET /api/v1/kpi`) for the amount paid, and a line
// for the average days to pay, with both scales; an SVG element to put into a page as it is:
// every text in it escaped, its look given by attributes and the pages' style sheet (the
// Content-Security-Policy allows no inline style). Empty when there is no month to draw.
std::string payment_chart(const boost::json::array& trend, const ChartTexts& texts,
                          std::string_view language);

// A number as `language` writes it, with `decimals` places: "12.345,50" in German,
// "12,345.50" in English.
std::string readable_number(double value, int decimals, std::string_view language);

}  // namespace ablauf::http::detail::web
