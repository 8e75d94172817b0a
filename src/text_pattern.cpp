#include "text_pattern.hpp"

#include <boost/regex.hpp>
#include <boost/regex/pending/unicode_iterator.hpp>

#include <cstddef>
#include <iterator>
#include <locale>
#include <stdexcept>
#include <string>

namespace ablauf::detail {
namespace {

// Text as the wide characters Boost.Regex matches one by one, so that '.' and [äöü] take a
// whole character rather than a byte of its UTF-8, and {2,30} counts characters. Where wchar_t
// is 16 bits wide this is UTF-16, as in JavaScript. Throws std::out_of_range on invalid UTF-8.
std::wstring widen(std::string_view text) {
  using Iterator = boost::u8_to_u32_iterator<std::string_view::const_iterator, char32_t>;
  std::wstring out;
  out.reserve(text.size());
  const Iterator end(text.end(), text.begin(), text.end());
  for (Iterator it(text.begin(), text.begin(), text.end()); it != end; ++it) {
    const char32_t c = *it;
    if constexpr (sizeof(wchar_t) >= 4) {
      out.push_back(static_cast<wchar_t>(c));
    } else if (c > 0xFFFF) {
      out.push_back(static_cast<wchar_t>(0xD800 + ((c - 0x10000) >> 10)));
      out.push_back(static_cast<wchar_t>(0xDC00 + ((c - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<wchar_t>(c));
    }
  }
  return out;
}

// What matching a pattern may cost: steps of the matcher through the text, a fixed
// allowance plus some per character. Boost.Regex's own bound (BOOST_REGEX_MAX_STATE_COUNT) grows
// with the square of the length up to 10^8 states, seconds for a long text, and answer() holds the
// engine's lock meanwhile; a macro cannot lower it for this call alone.
constexpr std::size_t pattern_steps = 1'000'000;
constexpr std::size_t pattern_steps_per_character = 64;

struct OverBudget {};

// Walks the text for Boost.Regex, throwing OverBudget once it has taken its steps.
class BudgetIterator {
 public:
  using iterator_category = std::bidirectional_iterator_tag;
  using value_type = wchar_t;
  using difference_type = std::ptrdiff_t;
  using pointer = const wchar_t*;
  using reference = const wchar_t&;

  BudgetIterator() = default;
  BudgetIterator(const wchar_t* at, std::size_t* steps_left) : at_(at), steps_left_(steps_left) {}

  reference operator*() const { return *at_; }
  BudgetIterator& operator++() {
    spend();
    ++at_;
    return *this;
  }
  BudgetIterator operator++(int) {
    auto before = *this;
    ++*this;
    return before;
  }
  BudgetIterator& operator--() {
    spend();
    --at_;
    return *this;
  }
  BudgetIterator operator--(int) {
    auto before = *this;
    --*this;
    return before;
  }
  friend bool operator==(const BudgetIterator& a, const BudgetIterator& b) {
    return a.at_ == b.at_;
  }

 private:
  void spend() const {
    if (*steps_left_ == 0) throw OverBudget{};
    --*steps_left_;
  }

  const wchar_t* at_ = nullptr;
  std::size_t* steps_left_ = nullptr;
};

}  // namespace

struct TextPattern::Compiled {
  std::string source;
  boost::wregex regex;
};

tl::expected<TextPattern, std::string> TextPattern::compile(std::string_view pattern) {
  auto compiled = std::make_shared<Compiled>();
  compiled->source = pattern;
  try {
    // Boost.Regex's Perl defaults would let ^ and $ match at every line. The classic locale
    // keeps \w and [[:alpha:]] to ASCII, as in JavaScript, whatever locale the host set.
    compiled->regex.imbue(std::locale::classic());
    compiled->regex.assign(widen(pattern), boost::regex::ECMAScript | boost::regex::no_mod_m);
  } catch (const boost::regex_error& e) {
    return tl::make_unexpected(std::string(e.what()));
  } catch (const std::out_of_range&) {
    return tl::make_unexpected(std::string("the pattern is not valid UTF-8"));
  } catch (const std::runtime_error& e) {  // "memory exhausted" and the like
    return tl::make_unexpected(std::string(e.what()));
  }
  return TextPattern(std::move(compiled));
}

tl::expected<bool, TextPattern::Unchecked> TextPattern::matches(std::string_view text,
                                                                Span span) const {
  constexpr std::string_view too_costly = "the check takes too long";
  try {
    const std::wstring wide = widen(text);
    std::size_t steps_left = pattern_steps + pattern_steps_per_character * wide.size();
    const BudgetIterator begin(wide.data(), &steps_left);
    const BudgetIterator end(wide.data() + wide.size(), &steps_left);
    return span == Span::whole
               ? boost::regex_match(begin, end, compiled_->regex, boost::match_not_dot_newline)
               : boost::regex_search(begin, end, compiled_->regex, boost::match_not_dot_newline);
  } catch (const OverBudget&) {
    return tl::make_unexpected(Unchecked{Unchecked::Why::too_costly, std::string(too_costly)});
  } catch (const boost::regex_error& e) {
    if (e.code() == boost::regex_constants::error_complexity ||
        e.code() == boost::regex_constants::error_stack)
      return tl::make_unexpected(Unchecked{Unchecked::Why::too_costly, std::string(too_costly)});
    return tl::make_unexpected(Unchecked{Unchecked::Why::failed, e.what()});
  } catch (const std::out_of_range&) {  // widen() of invalid UTF-8, from a value built in code
    return tl::make_unexpected(Unchecked{Unchecked::Why::not_utf8, "the text is not valid UTF-8"});
  } catch (const std::runtime_error& e) {  // Boost.Regex's "memory exhausted" and the like
    return tl::make_unexpected(Unchecked{Unchecked::Why::failed, e.what()});
  }
}

const std::string& TextPattern::source() const noexcept {
  return compiled_->source;
}

}  // namespace ablauf::detail
