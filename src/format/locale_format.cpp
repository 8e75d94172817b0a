// Locale-aware formatting through ICU: number formatters (ICU's `number::` API, immutable) and
// date formatters (not thread-safe: one per thread), built on first use and kept per thread.
#include "ablauf/locale_format.hpp"

#include "time/calendar.hpp"

#include <unicode/datefmt.h>
#include <unicode/locid.h>
#include <unicode/numberformatter.h>
#include <unicode/timezone.h>
#include <unicode/ucurr.h>
#include <unicode/unistr.h>

#include <array>
#include <map>
#include <memory>
#include <tuple>

namespace ablauf {
namespace {

namespace number = icu::number;

std::string to_utf8(const icu::UnicodeString& text) {
  std::string out;
  text.toUTF8String(out);
  return out;
}

// The ICU locale for a language tag; the root locale for "" or a tag ICU cannot read.
icu::Locale icu_locale(std::string_view language) {
  if (language.empty()) return icu::Locale::getRoot();
  UErrorCode status = U_ZERO_ERROR;
  icu::Locale locale = icu::Locale::forLanguageTag(
      icu::StringPiece(language.data(), static_cast<std::int32_t>(language.size())), status);
  if (U_FAILURE(status) || locale.isBogus()) return icu::Locale::getRoot();
  return locale;
}

enum class NumberKind { plain, percent };

// Number formatters by kind, fraction digits and language, built once per thread.
const number::LocalizedNumberFormatter& number_formatter(NumberKind kind, int digits,
                                                         std::string_view language) {
  thread_local std::map<std::tuple<NumberKind, int, std::string>, number::LocalizedNumberFormatter,
                        std::less<>>
      cache;
  auto key = std::make_tuple(kind, digits, std::string(language));
  if (auto found = cache.find(key); found != cache.end()) return found->second;
  number::UnlocalizedNumberFormatter formatter = number::NumberFormatter::with();
  if (kind == NumberKind::percent)
    formatter = formatter.unit(icu::NoUnit::percent()).scale(number::Scale::powerOfTen(2));
  if (digits >= 0)
    formatter = formatter.precision(number::Precision::fixedFraction(digits));
  else
    formatter = formatter.precision(
        number::Precision::maxFraction(kind == NumberKind::percent ? 2 : 3));
  formatter = formatter.roundingMode(UNUM_ROUND_HALFUP);
  return cache.emplace(std::move(key), formatter.locale(icu_locale(language))).first->second;
}

std::string format_with(const number::LocalizedNumberFormatter& formatter, double value) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString text = formatter.formatDouble(value, status).toString(status);
  if (U_FAILURE(status)) return std::to_string(value);
  return to_utf8(text);
}

icu::DateFormat::EStyle icu_style(DateStyle style) {
  switch (style) {
    case DateStyle::short_form: return icu::DateFormat::kShort;
    case DateStyle::medium: return icu::DateFormat::kMedium;
    case DateStyle::long_form: return icu::DateFormat::kLong;
    case DateStyle::full: return icu::DateFormat::kFull;
  }
  return icu::DateFormat::kMedium;
}

// A date formatter by styles (kNone for the part not shown), language and time zone, built
// once per thread: ICU's DateFormat keeps a calendar it writes into while formatting.
icu::DateFormat& date_formatter(icu::DateFormat::EStyle date, icu::DateFormat::EStyle time,
                                std::string_view language, std::string_view time_zone) {
  thread_local std::map<std::tuple<int, int, std::string, std::string>,
                        std::unique_ptr<icu::DateFormat>, std::less<>>
      cache;
  auto key = std::make_tuple(static_cast<int>(date), static_cast<int>(time),
                             std::string(language), std::string(time_zone));
  if (auto found = cache.find(key); found != cache.end()) return *found->second;
  std::unique_ptr<icu::DateFormat> formatter(
      icu::DateFormat::createDateTimeInstance(date, time, icu_locale(language)));
  const std::string zone = time_zone.empty() ? "UTC" : std::string(time_zone);
  formatter->adoptTimeZone(icu::TimeZone::createTimeZone(icu::UnicodeString::fromUTF8(zone)));
  return *cache.emplace(std::move(key), std::move(formatter)).first->second;
}

std::string write_instant(UDate at, icu::DateFormat::EStyle date, icu::DateFormat::EStyle time,
                           std::string_view language, std::string_view time_zone) {
  icu::UnicodeString text;
  date_formatter(date, time, language, time_zone).format(at, text);
  return to_utf8(text);
}

UDate milliseconds_since_epoch(std::chrono::sys_time<std::chrono::milliseconds> at) {
  return static_cast<UDate>(at.time_since_epoch().count());
}

tl::expected<detail::Date, std::string> read_date(std::string_view text) {
  auto date = detail::parse_date(text);
  if (!date)
    return tl::make_unexpected("'" + std::string(text) +
                               "' is not an RFC 3339 date or date-time: " + date.error().message);
  return *date;
}

}  // namespace

tl::expected<DateStyle, std::string> parse_date_style(std::string_view name) {
  if (name == "short") return DateStyle::short_form;
  if (name == "medium") return DateStyle::medium;
  if (name == "long") return DateStyle::long_form;
  if (name == "full") return DateStyle::full;
  return tl::make_unexpected("'" + std::string(name) +
                             "' is not a date style: write short, medium, long or full");
}

bool is_known_time_zone(std::string_view name) {
  if (name.empty()) return true;
  const std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(
      icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(),
                                                    static_cast<std::int32_t>(name.size())))));
  icu::UnicodeString id;
  zone->getID(id);
  // An unknown name gives the "Etc/Unknown" zone rather than an error.
  return id != icu::UnicodeString(u"Etc/Unknown");
}

bool is_known_currency(std::string_view code) {
  if (code.size() != 3) return false;
  for (char c : code)
    if (c < 'A' || c > 'Z') return false;
  const std::u16string wide(code.begin(), code.end());
  UErrorCode status = U_ZERO_ERROR;
  UBool is_choice = false;
  std::int32_t length = 0;
  const UChar* name = ucurr_getName(wide.c_str(), "en", UCURR_LONG_NAME, &is_choice, &length,
                                    &status);
  // ICU gives an unknown code back as its own name, with a warning.
  return U_SUCCESS(status) && status != U_USING_DEFAULT_WARNING && name != nullptr;
}

std::string format_number(double value, const FormatLocale& locale, int fraction_digits) {
  return format_with(number_formatter(NumberKind::plain, fraction_digits, locale.language), value);
}

std::string format_percent(double fraction, const FormatLocale& locale, int fraction_digits) {
  return format_with(number_formatter(NumberKind::percent, fraction_digits, locale.language),
                     fraction);
}

std::string format_currency(double amount, std::string_view currency,
                            const FormatLocale& locale) {
  thread_local std::map<std::pair<std::string, std::string>, number::LocalizedNumberFormatter,
                        std::less<>>
      cache;
  auto key = std::make_pair(std::string(currency), locale.language);
  auto found = cache.find(key);
  if (found == cache.end()) {
    UErrorCode status = U_ZERO_ERROR;
    const std::u16string wide(currency.begin(), currency.end());
    const icu::CurrencyUnit unit(wide.c_str(), status);
    if (U_FAILURE(status)) return format_number(amount, locale, 2) + " " + std::string(currency);
    found = cache
                .emplace(std::move(key), number::NumberFormatter::withLocale(
                                             icu_locale(locale.language))
                                             .unit(unit)
                                             .roundingMode(UNUM_ROUND_HALFUP))
                .first;
  }
  return format_with(found->second, amount);
}

tl::expected<std::string, std::string> format_date(std::string_view rfc3339,
                                                   const FormatLocale& locale, DateStyle style) {
  auto date = read_date(rfc3339);
  if (!date) return tl::make_unexpected(date.error());
  if (!date->has_time())
    return write_instant(milliseconds_since_epoch(date->day), icu_style(style),
                          icu::DateFormat::kNone, locale.language, "UTC");
  return write_instant(milliseconds_since_epoch(date->instant()), icu_style(style),
                        icu::DateFormat::kNone, locale.language, locale.time_zone);
}

tl::expected<std::string, std::string> format_time(std::string_view text,
                                                   const FormatLocale& locale, DateStyle style) {
  // A time of day as a checklist's time item holds it: the same in every zone.
  if (text.size() == 5 || text.size() == 8) {
    const std::string as_date = "1970-01-01T" + std::string(text) + (text.size() == 5 ? ":00Z" : "Z");
    if (auto date = detail::parse_date(as_date); date && text[2] == ':')
      return write_instant(milliseconds_since_epoch(date->instant()), icu::DateFormat::kNone,
                            icu_style(style), locale.language, "UTC");
  }
  auto date = read_date(text);
  if (!date) return tl::make_unexpected(date.error());
  if (!date->has_time())
    return tl::make_unexpected("'" + std::string(text) + "' is a date without a time of day");
  return write_instant(milliseconds_since_epoch(date->instant()), icu::DateFormat::kNone,
                        icu_style(style), locale.language, locale.time_zone);
}

tl::expected<std::string, std::string> format_datetime(std::string_view rfc3339,
                                                       const FormatLocale& locale,
                                                       DateStyle date_style,
                                                       DateStyle time_style) {
  auto date = read_date(rfc3339);
  if (!date) return tl::make_unexpected(date.error());
  if (!date->has_time()) return format_date(rfc3339, locale, date_style);
  return write_instant(milliseconds_since_epoch(date->instant()), icu_style(date_style),
                        icu_style(time_style), locale.language, locale.time_zone);
}

std::string format_date(Time time, const FormatLocale& locale, DateStyle style) {
  return write_instant(milliseconds_since_epoch(time), icu_style(style), icu::DateFormat::kNone,
                       locale.language, locale.time_zone);
}

std::string format_datetime(Time time, const FormatLocale& locale, DateStyle date_style,
                            DateStyle time_style) {
  return write_instant(milliseconds_since_epoch(time), icu_style(date_style),
                       icu_style(time_style), locale.language, locale.time_zone);
}

}  // namespace ablauf
