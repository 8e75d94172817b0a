#include "kpi/receivables.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace ablauf::detail {
namespace {

namespace json = boost::json;

constexpr double millis_per_day = 86'400'000.0;

// A number as records hold it: a JSON number, or text that templates made of one ("246.8").
std::optional<double> number_at(const json::object& record, std::string_view field) {
  const auto* value = record.if_contains(field);
  if (!value) return std::nullopt;
  if (value->is_number()) return value->to_number<double>();
  if (!value->is_string()) return std::nullopt;
  const auto text = value->get_string();
  double number = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return number;
}

// A date ("2026-11-23", midnight UTC) or date-time; none when missing, empty or unreadable.
std::optional<Time> time_at(const json::object& record, std::string_view field) {
  const auto* value = record.if_contains(field);
  if (!value || !value->is_string()) return std::nullopt;
  auto time = parse_rfc3339(value->get_string());
  if (!time) return std::nullopt;
  return *time;
}

std::string month_of(Time time) {
  const std::chrono::year_month_day day{std::chrono::floor<std::chrono::days>(time)};
  char text[16];
  const auto written = std::snprintf(text, sizeof text, "%04d-%02u", static_cast<int>(day.year()),
                                     static_cast<unsigned>(day.month()));
  return {text, static_cast<std::size_t>(written)};
}

struct MonthSums {
  PaymentMonth month;
  double weighted_days = 0;
  double weight = 0;
};

}  // namespace

std::optional<ReceivablesKpi> receivables(std::span<const StoredRecord> invoices,
                                          const std::set<std::string, std::less<>>& keys,
                                          std::optional<Time> from, Time at) {
  ReceivablesKpi out;
  std::optional<Time> first_issue;
  double weighted_days = 0, weight = 0, reminders = 0;
  std::size_t reminded = 0;
  std::map<std::string, MonthSums> months;
  for (const auto& [key, record] : invoices) {
    if (!keys.contains(key)) continue;
    const auto total = number_at(record, "total");
    if (!total) continue;
    const auto issued = time_at(record, "issue_date");
    if (issued && *issued > at) continue;  // not yet issued at the moment measured
    ++out.invoices;
    out.invoiced += *total;
    if (issued) first_issue = std::min(first_issue.value_or(*issued), *issued);

    const auto paid_at = time_at(record, "paid_at");
    const auto status = record.if_contains("status");
    const bool marked_paid = status && status->is_string() && status->get_string() == "paid";
    const bool paid = paid_at ? *paid_at <= at : marked_paid;
    const auto due = time_at(record, "due_date");
    if (!paid) {
      ++out.open;
      out.outstanding += *total;
      if (due && *due < at) ++out.overdue;
      continue;
    }
    const double amount = number_at(record, "amount_paid").value_or(*total);
    ++out.paid;
    out.collected += amount;
    out.outstanding += std::max(0.0, *total - amount);
    if (const auto sent = number_at(record, "reminders_sent")) {
      reminders += *sent;
      ++reminded;
      ++out.reminders[std::lround(*sent)];
    }
    if (!paid_at) continue;
    auto& month = months[month_of(*paid_at)];
    month.month.month = month_of(*paid_at);
    ++month.month.invoices_paid;
    month.month.amount_paid += amount;
    if (due && *paid_at > *due) ++month.month.paid_late;
    if (!issued) continue;
    const double days = static_cast<double>((*paid_at - *issued).count()) / millis_per_day;
    weighted_days += days * amount;
    weight += amount;
    month.weighted_days += days * amount;
    month.weight += amount;
  }
  if (out.invoices == 0) return std::nullopt;

  const Time start = from ? *from : first_issue.value_or(at);
  out.period_days = static_cast<std::size_t>(
      std::max(1.0, std::ceil(static_cast<double>((at - start).count()) / millis_per_day)));
  if (out.invoiced > 0)
    out.days_sales_outstanding =
        out.outstanding / out.invoiced * static_cast<double>(out.period_days);
  if (weight > 0) out.days_to_pay = weighted_days / weight;
  if (reminded > 0) out.reminders_before_payment = reminders / static_cast<double>(reminded);
  for (auto& [name, sums] : months) {
    if (sums.weight > 0) sums.month.days_to_pay = sums.weighted_days / sums.weight;
    out.trend.push_back(std::move(sums.month));
  }
  return out;
}

}  // namespace ablauf::detail
