// The payment trend as an SVG chart (payment_chart.hpp).
#include "http/web/payment_chart.hpp"

#include "value_text.hpp"

#include <boost/json/object.hpp>

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ablauf::http::detail::web {
namespace json = boost::json;
namespace {

// The chart's frame, in SVG user units; the page scales it to its width.
constexpr double width = 640, height = 280;
constexpr double left = 72, right = 56, top = 24, bottom = 48;

double number_at(const json::object& month, std::string_view key) {
  const auto* value = month.if_contains(key);
  return value && value->is_number() ? value->to_number<double>() : 0.0;
}

// A round upper end for a scale that reaches `highest`: 1, 2 or 5 times a power of ten.
double scale_top(double highest) {
  if (highest <= 0) return 1;
  const double power = std::pow(10.0, std::floor(std::log10(highest)));
  for (const double step : {1.0, 2.0, 5.0, 10.0})
    if (highest <= step * power) return step * power;
  return 10 * power;
}

std::string coordinate(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f", value);
  return text;
}

}  // namespace

std::string readable_number(double value, int decimals, std::string_view language) {
  char digits[64];
  std::snprintf(digits, sizeof digits, "%.*f", decimals, std::fabs(value));
  std::string text(digits);
  const auto point = text.find('.');
  std::string whole = text.substr(0, point);
  const std::string fraction = point == std::string::npos ? "" : text.substr(point + 1);
  const char group = language == "de" ? '.' : ',';
  const char decimal = language == "de" ? ',' : '.';
  for (auto at = static_cast<std::ptrdiff_t>(whole.size()) - 3; at > 0; at -= 3)
    whole.insert(static_cast<std::size_t>(at), 1, group);
  std::string out =
      (value < 0 && std::round(value * std::pow(10, decimals)) != 0 ? "-" : "") + whole;
  if (!fraction.empty()) out += decimal + fraction;
  return out;
}

std::string payment_chart(const json::array& trend, const ChartTexts& texts,
                          std::string_view language) {
  if (trend.empty()) return {};
  double most_paid = 0, most_days = 0;
  for (const auto& entry : trend) {
    most_paid = std::max(most_paid, number_at(entry.as_object(), "amount_paid"));
    most_days = std::max(most_days, number_at(entry.as_object(), "days_to_pay"));
  }
  const double paid_top = scale_top(most_paid), days_top = scale_top(most_days);
  const double plot_width = width - left - right, plot_height = height - top - bottom;
  const double slot = plot_width / static_cast<double>(trend.size());
  const auto y_of = [&](double value, double scale) {
    return top + plot_height - value / scale * plot_height;
  };
  using ablauf::detail::html_escaped;
  std::string svg =
      "<svg class=\"chart\" role=\"img\" aria-labelledby=\"chart-title\" viewBox=\"0 0 " +
      coordinate(width) + " " + coordinate(height) +
      "\" xmlns=\"http://www.w3.org/2000/svg\"><title id=\"chart-title\">" +
      html_escaped(texts.title) + "</title>";
  // The scales: four lines across, amounts on the left, days on the right.
  for (int line = 0; line <= 4; ++line) {
    const double y = top + plot_height * (1 - line / 4.0);
    svg += "<line class=\"grid\" x1=\"" + coordinate(left) + "\" x2=\"" +
           coordinate(width - right) + "\" y1=\"" + coordinate(y) + "\" y2=\"" + coordinate(y) +
           "\"/>";
    svg += "<text class=\"scale\" x=\"" + coordinate(left - 6) + "\" y=\"" + coordinate(y + 4) +
           "\" text-anchor=\"end\">" +
           html_escaped(readable_number(paid_top * line / 4, 0, language)) + "</text>";
    svg += "<text class=\"scale days\" x=\"" + coordinate(width - right + 6) + "\" y=\"" +
           coordinate(y + 4) + "\">" +
           html_escaped(readable_number(days_top * line / 4, 0, language)) + "</text>";
  }
  std::string line_points;
  for (std::size_t i = 0; i < trend.size(); ++i) {
    const auto& month = trend[i].as_object();
    const double paid = number_at(month, "amount_paid");
    const double days = number_at(month, "days_to_pay");
    const double x = left + slot * static_cast<double>(i);
    const double bar_y = y_of(paid, paid_top);
    const std::string label = month.contains("month") && month.at("month").is_string()
                                  ? std::string(month.at("month").as_string())
                                  : std::string();
    svg += "<rect class=\"bar\" x=\"" + coordinate(x + slot * 0.2) + "\" y=\"" + coordinate(bar_y) +
           "\" width=\"" + coordinate(slot * 0.6) + "\" height=\"" +
           coordinate(top + plot_height - bar_y) + "\"><title>" + html_escaped(label) + ": " +
           html_escaped(readable_number(paid, 2, language)) + "</title></rect>";
    svg += "<text class=\"month\" x=\"" + coordinate(x + slot / 2) + "\" y=\"" +
           coordinate(height - bottom + 18) + "\" text-anchor=\"middle\">" + html_escaped(label) +
           "</text>";
    line_points += (line_points.empty() ? "" : " ") + coordinate(x + slot / 2) + "," +
                   coordinate(y_of(days, days_top));
  }
  svg += "<polyline class=\"line\" points=\"" + line_points + "\"/>";
  // The legend, below the months.
  const double legend_y = height - 10;
  svg += "<rect class=\"bar\" x=\"" + coordinate(left) + "\" y=\"" + coordinate(legend_y - 9) +
         "\" width=\"12\" height=\"10\"/><text class=\"legend\" x=\"" + coordinate(left + 18) +
         "\" y=\"" + coordinate(legend_y) + "\">" + html_escaped(texts.amount_paid) + "</text>";
  const double second = left + plot_width / 2;
  svg += "<line class=\"line\" x1=\"" + coordinate(second) + "\" x2=\"" + coordinate(second + 14) +
         "\" y1=\"" + coordinate(legend_y - 4) + "\" y2=\"" + coordinate(legend_y - 4) +
         "\"/><text class=\"legend\" x=\"" + coordinate(second + 20) + "\" y=\"" +
         coordinate(legend_y) + "\">" + html_escaped(texts.days_to_pay) + "</text>";
  return svg + "</svg>";
}

}  // namespace ablauf::http::detail::web
