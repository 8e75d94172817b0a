#include "utf8.hpp"

namespace ablauf::detail::utf8 {
namespace {

bool is_continuation(char c) noexcept {
  return (static_cast<unsigned char>(c) & 0xC0) == 0x80;
}

// Decodes one code point at `i`, advancing it; malformed bytes read as themselves.
char32_t decode(std::string_view s, std::size_t& i) noexcept {
  const auto lead = static_cast<unsigned char>(s[i++]);
  int extra = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : lead >= 0xC0 ? 1 : 0;
  char32_t cp = extra == 3   ? lead & 0x07
                : extra == 2 ? lead & 0x0F
                : extra == 1 ? lead & 0x1F
                             : lead;
  for (; extra > 0 && i < s.size() && is_continuation(s[i]); --extra)
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  return cp;
}

}  // namespace

void append(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

namespace {

// Latin Extended-A pairs letters as (upper, lower) on even/odd code points, except in the
// ranges where the pairing is shifted by one.
bool upper_is_odd(char32_t cp) noexcept {
  return (cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E);
}
bool in_extended_a(char32_t cp) noexcept {
  // Dotted and dotless i (U+0130, U+0131) do not pair with each other.
  return cp >= 0x100 && cp <= 0x17E && cp != 0x130 && cp != 0x131 && cp != 0x138 && cp != 0x149 &&
         cp != 0x178;
}

char32_t lower(char32_t cp) noexcept {
  if (cp >= 'A' && cp <= 'Z') return cp + 32;
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 32;
  if (cp == 0x178) return 0xFF;
  if (in_extended_a(cp) && ((cp % 2 == 1) == upper_is_odd(cp))) return cp + 1;
  return cp;
}

char32_t upper(char32_t cp) noexcept {
  if (cp >= 'a' && cp <= 'z') return cp - 32;
  if (cp >= 0xE0 && cp <= 0xFE && cp != 0xF7) return cp - 32;
  if (cp == 0xFF) return 0x178;
  if (in_extended_a(cp) && ((cp % 2 == 1) != upper_is_odd(cp))) return cp - 1;
  return cp;
}

template <typename Map>
std::string transform(std::string_view text, Map map) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) append(map(decode(text, i)), out);
  return out;
}

}  // namespace

std::size_t length(std::string_view text) noexcept {
  std::size_t n = 0;
  for (const char c : text) n += !is_continuation(c);
  return n;
}

std::size_t invalid_at(std::string_view text) noexcept {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  std::size_t i = 0;
  while (i < text.size()) {
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
      ++i;
      continue;
    }
    // The length of the sequence, and the range its second byte must lie in (RFC 3629):
    // narrower than 80..BF where that rules out overlong forms, surrogates and > U+10FFFF.
    std::size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;
      if (lead == 0xED) high = 0x9F;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;
      if (lead == 0xF4) high = 0x8F;
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    if (byte(i + 1) < low || byte(i + 1) > high) return i;
    for (std::size_t k = 2; k < length; ++k)
      if ((byte(i + k) & 0xC0) != 0x80) return i;
    i += length;
  }
  return std::string_view::npos;
}

std::size_t offset_of(std::string_view text, std::size_t index) noexcept {
  std::size_t i = 0;
  for (std::size_t seen = 0; i < text.size(); ++i) {
    if (is_continuation(text[i])) continue;
    if (seen++ == index) return i;
  }
  return text.size();
}

std::string to_lower(std::string_view text) {
  return transform(text, lower);
}
std::string to_upper(std::string_view text) {
  return transform(text, upper);
}

}  // namespace ablauf::detail::utf8
