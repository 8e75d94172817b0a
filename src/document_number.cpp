#include "ablauf/document_number.hpp"

#include <chrono>
#include <cstdio>

namespace ablauf {

tl::expected<DocumentNumberFormat, std::string> DocumentNumberFormat::parse(std::string_view text) {
  const auto refuse = [](std::string why) {
    return tl::make_unexpected(std::move(why) +
                               "; write a format such as \"ACC-{year}-{seq:05}\" with {year}, "
                               "{month} and one counter {seq} or {seq:NN}");
  };
  if (text.empty()) return refuse("a document number's format is empty");
  if (text.size() > max_length)
    return refuse("a document number's format has " + std::to_string(text.size()) +
                  " characters, more than " + std::to_string(max_length));
  DocumentNumberFormat out;
  out.text_ = std::string(text);
  int counters = 0;
  for (std::size_t at = 0; at < text.size();) {
    if (text[at] == '}') return refuse("'}' without '{' at character " + std::to_string(at + 1));
    if (text[at] != '{') {
      const auto next = text.find_first_of("{}", at);
      const auto end = next == std::string_view::npos ? text.size() : next;
      out.parts_.push_back({Part::Kind::literal, std::string(text.substr(at, end - at))});
      at = end;
      continue;
    }
    const auto close = text.find('}', at);
    if (close == std::string_view::npos)
      return refuse("'{' without '}' at character " + std::to_string(at + 1));
    const auto field = text.substr(at + 1, close - at - 1);
    if (field == "year") {
      out.parts_.push_back({Part::Kind::year, {}});
    } else if (field == "month") {
      out.parts_.push_back({Part::Kind::month, {}});
    } else if (field == "seq" || field.starts_with("seq:")) {
      int width = 1;
      if (field.size() > 4) {
        const auto digits = field.substr(4);
        width = 0;
        for (const char c : digits) {
          if (c < '0' || c > '9' || width > max_width)
            return refuse("'{" + std::string(field) + "}' pads to no number of digits");
          width = width * 10 + (c - '0');
        }
        if (width < 1 || width > max_width)
          return refuse("'{" + std::string(field) + "}' pads to " + std::to_string(width) +
                        " digits; pad to 1 to " + std::to_string(max_width));
      }
      out.parts_.push_back({Part::Kind::counter, {}, width});
      ++counters;
    } else {
      return refuse("'{" + std::string(field) + "}' is no field of a document number");
    }
    at = close + 1;
  }
  if (counters != 1)
    return refuse(counters == 0
                      ? "a document number needs a counter, {seq}"
                      : "a document number has one counter, not " + std::to_string(counters));
  return out;
}

std::string DocumentNumberFormat::render(Time when, const std::uint64_t* n) const {
  const std::chrono::year_month_day date{std::chrono::floor<std::chrono::days>(when)};
  std::string out;
  char buffer[32];
  for (const auto& part : parts_) switch (part.kind) {
      case Part::Kind::literal: out += part.literal; break;
      case Part::Kind::year:
        std::snprintf(buffer, sizeof buffer, "%04d", static_cast<int>(date.year()));
        out += buffer;
        break;
      case Part::Kind::month:
        std::snprintf(buffer, sizeof buffer, "%02u", static_cast<unsigned>(date.month()));
        out += buffer;
        break;
      case Part::Kind::counter:
        if (n) {
          std::snprintf(buffer, sizeof buffer, "%0*llu", part.width,
                        static_cast<unsigned long long>(*n));
          out += buffer;
        }
        break;
    }
  return out;
}

std::string DocumentNumberFormat::sequence(Time when) const {
  return render(when, nullptr);
}

std::string DocumentNumberFormat::format(Time when, std::uint64_t n) const {
  return render(when, &n);
}

}  // namespace ablauf
