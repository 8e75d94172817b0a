// The format of a template's format tag (internal): `{{total | currency EUR}}` writes a value as
// an amount of money, `{{due | date long}}` as a date, in the language of the text.
#pragma once

#include "ablauf/locale_format.hpp"

#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail {

struct ValueFormat {
  enum class Kind : std::uint8_t { number, currency, percent, date, time, datetime };
  Kind kind = Kind::number;
  int fraction_digits = -1;  // number, percent: -1 as many as needed
  std::string currency;      // currency: the ISO 4217 code, or "" when read from the data:
  std::vector<std::string> currency_path;  // the name that holds it, split at its dots
  DateStyle style = DateStyle::medium;  // date, time, datetime (its date part)
};

// Reads what follows the '|': a format's name and its argument, if any ("currency EUR",
// "currency input.invoice.currency", "number 2", "date long"). The error says what is wrong and
// what would be right.
tl::expected<ValueFormat, std::string> parse_value_format(std::string_view text);

// Appends `value` in `format`; `currency` is the value of its currency_path, if it has one.
// Returns false, appending nothing, when the value is not what the format reads (a date format
// given a number, text that is no number, a currency name that holds no currency code): the
// caller writes it as it would without a format, so a mail is not lost over a value's type.
bool append_formatted(const ValueFormat& format, const boost::json::value& value,
                      const FormatLocale& locale, std::string& out,
                      const boost::json::value* currency = nullptr);

}  // namespace ablauf::detail
