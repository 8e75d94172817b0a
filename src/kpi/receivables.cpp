#include "kpi/receivables.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

namespace ablauf::detail {
namespace {

namespace json = boost::json;

using Day = std::chrono::sys_days;

// A number as records hold it: a JSON number, or text that templates made of one ("246.8").
// Not finite ("nan", "inf") counts as missing.
std::optional<double> number_at(const json::object& record, std::string_view field) {
  const auto* value = record.if_contains(field);
  if (!value) return std::nullopt;
  double number = 0;
  if (value->is_number()) {
    number = value->to_number<double>();
  } else if (value->is_string()) {
    const auto text = value->get_string();
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (ec != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  } else {
    return std::nullopt;
  }
  if (!std::isfinite(number)) return std::nullopt;
  return number;
}

// The calendar day (UTC) of a date ("2026-11-23") or date-time: invoices are issued, due and
// paid on days, and a due date means the whole day. None when missing, empty or unreadable.
std::optional<Day> day_at(const json::object& record, std::string_view field) {
  const auto* value = record.if_contains(field);
  if (!value || !value->is_string()) return std::nullopt;
  auto time = parse_rfc3339(value->get_string());
  if (!time) return std::nullopt;
  return std::chrono::floor<std::chrono::days>(*time);
}

std::string month_of(Day day) {
  return to_rfc3339(Time(day)).substr(0, 7);
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
  const Day today = std::chrono::floor<std::chrono::days>(at);
  ReceivablesKpi out;
  std::optional<Day> first_issue;
  double weighted_days = 0, weight = 0, reminders = 0;
  std::size_t reminded = 0;
  std::map<std::string, MonthSums> months;
  for (const auto& [key, record] : invoices) {
    if (!keys.contains(key)) continue;
    const auto total = number_at(record, "total");
    if (!total) continue;
    const auto issued = day_at(record, "issue_date");
    if (issued && *issued > today) continue;  // not yet issued on the day measured
    ++out.invoices;
    out.invoiced += *total;
    if (issued) first_issue = std::min(first_issue.value_or(*issued), *issued);

    const auto paid_on = day_at(record, "paid_at");
    const auto* status = record.if_contains("status");
    const bool marked_paid = status && status->is_string() && status->get_string() == "paid";
    const bool paid = paid_on ? *paid_on <= today : marked_paid;
    const auto due = day_at(record, "due_date");
    if (!paid) {
      ++out.open;
      out.outstanding += *total;
      if (due && *due < today) ++out.overdue;
      continue;
    }
    const double amount = number_at(record, "amount_paid").value_or(*total);
    ++out.paid;
    out.collected += amount;
    out.outstanding += std::max(0.0, *total - amount);  // paying more leaves nothing owed
    if (const auto sent = number_at(record, "reminders_sent")) {
      reminders += *sent;
      ++reminded;
      ++out.reminders[std::lround(*sent)];
    }
    if (!paid_on) continue;
    auto& month = months[month_of(*paid_on)];
    month.month.month = month_of(*paid_on);
    ++month.month.invoices_paid;
    month.month.amount_paid += amount;
    if (due && *paid_on > *due) ++month.month.paid_late;
    if (!issued) continue;
    const auto days = static_cast<double>((*paid_on - *issued).count());
    weighted_days += days * amount;
    weight += amount;
    month.weighted_days += days * amount;
    month.weight += amount;
  }
  if (out.invoices == 0) return std::nullopt;

  const Day start =
      from ? std::chrono::floor<std::chrono::days>(*from) : first_issue.value_or(today);
  out.period_days = static_cast<std::size_t>(std::max<long>(1, (today - start).count()));
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
