#include "format/value_format.hpp"

#include <charconv>
#include <cmath>
#include <optional>

namespace ablauf::detail {
namespace {

constexpr std::string_view whitespace = " \t\r\n";

std::string_view trimmed(std::string_view text) {
  const std::size_t first = text.find_first_not_of(whitespace);
  if (first == std::string_view::npos) return {};
  return text.substr(first, text.find_last_not_of(whitespace) - first + 1);
}

tl::unexpected<std::string> fail(std::string message) {
  return tl::make_unexpected(std::move(message));
}

tl::expected<int, std::string> read_digits(std::string_view name, std::string_view argument) {
  int digits = 0;
  const auto [end, error] =
      std::from_chars(argument.data(), argument.data() + argument.size(), digits);
  if (error != std::errc{} || end != argument.data() + argument.size() || digits < 0 ||
      digits > 15)
    return fail("the fraction digits of '" + std::string(name) + "' must be a whole number from "
                "0 to 15, as in {{amount | number 2}}, not '" + std::string(argument) + "'");
  return digits;
}

// A number, or text that is one in full ("2915.5"): amounts often arrive as text from forms.
std::optional<double> number_of(const boost::json::value& value) {
  if (value.is_number()) return value.to_number<double>();
  const auto* text = value.if_string();
  if (text == nullptr || text->empty()) return std::nullopt;
  double number = 0;
  const auto [end, error] = std::from_chars(text->data(), text->data() + text->size(), number);
  if (error != std::errc{} || end != text->data() + text->size() || !std::isfinite(number))
    return std::nullopt;
  return number;
}

}  // namespace

tl::expected<ValueFormat, std::string> parse_value_format(std::string_view text) {
  text = trimmed(text);
  const std::size_t space = text.find_first_of(whitespace);
  const std::string_view name = text.substr(0, space);
  const std::string_view argument =
      space == std::string_view::npos ? std::string_view{} : trimmed(text.substr(space));
  if (argument.find_first_of(whitespace) != std::string_view::npos)
    return fail("format '" + std::string(text) + "' has more than one argument");
  ValueFormat format;
  if (name == "number" || name == "percent") {
    format.kind = name == "number" ? ValueFormat::Kind::number : ValueFormat::Kind::percent;
    if (!argument.empty()) {
      auto digits = read_digits(name, argument);
      if (!digits) return tl::make_unexpected(digits.error());
      format.fraction_digits = *digits;
    }
    return format;
  }
  if (name == "currency") {
    format.kind = ValueFormat::Kind::currency;
    if (argument.empty())
      return fail("format 'currency' needs the currency's ISO 4217 code, as in "
                  "{{total | currency EUR}}");
    if (argument.size() != 3) {  // a name that holds the code: input.invoice.currency
      for (std::size_t begin = 0;;) {
        const std::size_t dot = argument.find('.', begin);
        const std::string_view part = argument.substr(begin, dot - begin);
        if (part.empty())
          return fail("'" + std::string(argument) +
                      "' is neither an ISO 4217 currency code such as EUR nor a name such as "
                      "input.invoice.currency");
        format.currency_path.emplace_back(part);
        if (dot == std::string_view::npos) return format;
        begin = dot + 1;
      }
    }
    if (!is_known_currency(argument))
      return fail("'" + std::string(argument) +
                  "' is not an ISO 4217 currency code; write it in capitals, as EUR or CHF");
    format.currency = argument;
    return format;
  }
  if (name == "date" || name == "time" || name == "datetime") {
    format.kind = name == "date"   ? ValueFormat::Kind::date
                  : name == "time" ? ValueFormat::Kind::time
                                   : ValueFormat::Kind::datetime;
    format.style = name == "time" ? DateStyle::short_form : DateStyle::medium;
    if (!argument.empty()) {
      auto style = parse_date_style(argument);
      if (!style) return tl::make_unexpected(style.error());
      format.style = *style;
    }
    return format;
  }
  if (name.empty())
    return fail("a '|' must be followed by a format: number, currency, percent, date, time "
                "or datetime");
  return fail("'" + std::string(name) +
              "' is not a format: write number, currency, percent, date, time or datetime");
}

bool append_formatted(const ValueFormat& format, const boost::json::value& value,
                      const FormatLocale& locale, std::string& out,
                      const boost::json::value* currency) {
  switch (format.kind) {
    case ValueFormat::Kind::number:
    case ValueFormat::Kind::currency:
    case ValueFormat::Kind::percent: {
      const auto number = number_of(value);
      if (!number) return false;
      if (format.kind == ValueFormat::Kind::number) {
        out += format_number(*number, locale, format.fraction_digits);
      } else if (format.kind == ValueFormat::Kind::percent) {
        out += format_percent(*number, locale, format.fraction_digits);
      } else if (!format.currency.empty()) {
        out += format_currency(*number, format.currency, locale);
      } else {
        const auto* code = currency ? currency->if_string() : nullptr;
        if (code == nullptr || !is_known_currency(*code)) return false;
        out += format_currency(*number, *code, locale);
      }
      return true;
    }
    case ValueFormat::Kind::date:
    case ValueFormat::Kind::time:
    case ValueFormat::Kind::datetime: {
      const auto* text = value.if_string();
      if (text == nullptr) return false;
      auto written = format.kind == ValueFormat::Kind::date ? format_date(*text, locale, format.style)
                     : format.kind == ValueFormat::Kind::time
                         ? format_time(*text, locale, format.style)
                         : format_datetime(*text, locale, format.style);
      if (!written) return false;
      out += *written;
      return true;
    }
  }
  return false;
}

}  // namespace ablauf::detail
