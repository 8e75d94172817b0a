/// @file
/// Numbers, amounts of money, percentages, dates and times written the way a language writes
/// them: "2.915,50 €" and "07.12.2026" in German, "€2,915.50" and "Dec 7, 2026" in English.
///
/// The patterns and names come from ICU (the Unicode CLDR data), not from tables of our own, so
/// every language ICU knows is written correctly, with its grouping, decimal mark, currency
/// placement and (non-breaking) spaces. Templates use these through their format tags
/// (`{{input.total | currency EUR}}`, template.hpp); the printed forms and the timeline too.
///
/// Thread-safety: every function may be called from any number of threads at once. ICU's
/// formatters are built once per thread, language and style, and reused.
#pragma once

#include <ablauf/clock.hpp>

#include <tl/expected.hpp>

#include <string>
#include <string_view>

namespace ablauf {

/// The language values are written for, and the time zone a point in time is shown in.
struct FormatLocale {
  /// A BCP 47 language tag: "de", "de-AT", "en-GB". "" writes as the root locale does
  /// (grouping with commas, ISO-like dates); an unknown tag falls back to its language, then
  /// to the root locale, as ICU does.
  std::string language;
  /// An IANA time zone ("Europe/Berlin") in which date-times are shown, with its daylight saving
  /// time; "" shows them in UTC. A calendar date (`2026-12-07`) is the same day everywhere and
  /// is never shifted.
  std::string time_zone;
};

/// How long a date or time reads. For a date in German: `short_form` 07.12.26, `medium`
/// 07.12.2026, `long_form` 7. Dezember 2026, `full` Montag, 7. Dezember 2026; in English
/// 12/7/26, Dec 7, 2026, December 7, 2026, Monday, December 7, 2026. A time: `short_form`
/// 14:05, `medium` 14:05:30, longer ones add the time zone.
enum class DateStyle {
  short_form,  ///< "short" in a template
  medium,      ///< "medium"
  long_form,   ///< "long"
  full,        ///< "full"
};

/// The style called `name` ("short", "medium", "long", "full"), or nothing.
tl::expected<DateStyle, std::string> parse_date_style(std::string_view name);

/// Whether `name` is a time zone ICU knows ("Europe/Berlin", "UTC"); "" counts as UTC.
bool is_known_time_zone(std::string_view name);

/// Whether `code` is an ISO 4217 currency ICU knows, in capitals: "EUR", "CHF", "USD".
bool is_known_currency(std::string_view code);

/// `value` with the language's grouping and decimal mark. `fraction_digits` from 0 to 15 rounds
/// to exactly that many; -1 writes up to three, dropping trailing zeros. Rounding is commercial
/// (half away from zero) on the shortest decimal that reads back as the double: 2.675 is 2.68.
std::string format_number(double value, const FormatLocale& locale, int fraction_digits = -1);

/// An amount of money in `currency` (ISO 4217, e.g. "EUR"), rounded as format_number() rounds to
/// as many fraction digits as the currency has (2 for EUR, 0 for JPY), with its symbol where the
/// language puts it.
std::string format_currency(double amount, std::string_view currency, const FormatLocale& locale);

/// A fraction as a percentage: 0.19 is "19 %" in German. `fraction_digits` as for
/// format_number(); -1 writes up to two.
std::string format_percent(double fraction, const FormatLocale& locale, int fraction_digits = -1);

/// An RFC 3339 full-date ("2026-12-07") or date-time as a date. A date-time is shown on the day
/// it falls on in the locale's time zone. Fails, saying why, on text that is neither.
tl::expected<std::string, std::string> format_date(std::string_view rfc3339,
                                                   const FormatLocale& locale,
                                                   DateStyle style = DateStyle::medium);

/// An RFC 3339 date-time as a time of day in the locale's time zone, or a time of day as a
/// `time` checklist answer holds it ("14:05", "14:05:30"), as it is.
tl::expected<std::string, std::string> format_time(std::string_view text,
                                                   const FormatLocale& locale,
                                                   DateStyle style = DateStyle::short_form);

/// An RFC 3339 date-time as date and time in the locale's time zone ("07.12.2026, 14:05");
/// a full-date is written as format_date() writes it.
tl::expected<std::string, std::string> format_datetime(
    std::string_view rfc3339, const FormatLocale& locale, DateStyle date_style = DateStyle::medium,
    DateStyle time_style = DateStyle::short_form);

/// A point in time as a date in the locale's time zone: the day a due time falls on there.
std::string format_date(Time time, const FormatLocale& locale, DateStyle style = DateStyle::medium);

/// A point in time as date and time in the locale's time zone.
std::string format_datetime(Time time, const FormatLocale& locale,
                            DateStyle date_style = DateStyle::medium,
                            DateStyle time_style = DateStyle::short_form);

}  // namespace ablauf
