#include "template/template_tag.hpp"

#include <algorithm>

namespace ablauf::detail::mustache {
namespace {

constexpr std::string_view whitespace = " \t\r\n";

bool is_space(char c) {
  return whitespace.find(c) != std::string_view::npos;
}

tl::unexpected<TemplateError> fail(std::size_t offset, std::string message) {
  return tl::make_unexpected(TemplateError{offset, std::move(message)});
}

// The text of a tag from `start`, up to `length` characters and not past the line.
std::string excerpt(std::string_view text, std::size_t start, std::size_t length) {
  std::string_view part = text.substr(start, std::min<std::size_t>(length, 40));
  part = part.substr(0, part.find_first_of("\r\n"));
  std::string result(part);
  if (part.size() < length) result += "...";
  return result;
}

}  // namespace

std::string_view sigil_noun(char sigil) noexcept {
  switch (sigil) {
    case '#': return "section";
    case '^': return "inverted section";
    case '<': return "parent";
    case '$': return "block";
    case '>': return "partial";
    case '/': return "closing tag";
    case '=': return "set-delimiter tag";
  }
  return "variable";
}

std::string tag_excerpt(std::string_view text, const Tag& tag) {
  return excerpt(text, tag.start, tag.end - tag.start);
}

tl::expected<Tag, TemplateError> read_tag(std::string_view text, std::size_t start,
                                          std::string_view open, std::string_view close) {
  Tag tag;
  tag.start = start;
  std::size_t pos = start + open.size();
  if (pos < text.size() && std::string_view("#^/!><$=&{").find(text[pos]) != std::string_view::npos)
    tag.sigil = text[pos++];

  // {{{name}}} and {{=<% %>=}} end in their own closing sequence, so '}' and '=' may appear
  // inside without ending them early.
  std::string closing(close);
  if (tag.sigil == '{') closing.insert(0, "}");
  if (tag.sigil == '=') closing.insert(0, "=");
  const std::size_t stop = text.find(closing, pos);
  if (stop == std::string_view::npos && tag.sigil == '=') {
    const std::size_t unmarked = text.find(close, pos);
    if (unmarked != std::string_view::npos)
      return fail(unmarked, "set-delimiter tag '" +
                                excerpt(text, start, unmarked + close.size() - start) +
                                "' must end in '" + closing + "', as in {{=<% %>=}}");
  }
  if (stop == std::string_view::npos)
    return fail(start, "tag '" + excerpt(text, start, text.size() - start) +
                           "' is never closed: expected '" + closing + "'");
  tag.end = stop + closing.size();

  std::string_view content = text.substr(pos, stop - pos);
  std::size_t content_offset = pos;
  if (tag.sigil == '!') {
    tag.name = content;
    tag.name_offset = pos;
    return tag;
  }
  const auto trim = [&] {
    const std::size_t first = content.find_first_not_of(whitespace);
    if (first == std::string_view::npos) {
      content = {};
      return;
    }
    content = content.substr(first, content.find_last_not_of(whitespace) - first + 1);
    content_offset += first;
  };
  trim();
  if (tag.sigil == '=') {
    tag.name = content;
    tag.name_offset = content_offset;
    return tag;
  }
  if ((tag.sigil == '>' || tag.sigil == '<' || tag.sigil == '/') && !content.empty() &&
      content.front() == '*') {
    tag.dynamic = true;
    content.remove_prefix(1);
    ++content_offset;
    trim();
  }
  // A variable may name a format after a '|': {{total | currency EUR}}.
  const bool variable = tag.sigil == 0 || tag.sigil == '&' || tag.sigil == '{';
  if (const std::size_t bar = content.find('|'); variable && bar != std::string_view::npos) {
    std::string_view format = content.substr(bar + 1);
    const std::size_t first = format.find_first_not_of(whitespace);
    tag.format_offset = content_offset + bar + 1 + (first == std::string_view::npos ? 0 : first);
    tag.format = first == std::string_view::npos
                     ? std::string_view{}
                     : format.substr(first, format.find_last_not_of(whitespace) - first + 1);
    if (tag.format.empty())
      return fail(content_offset + bar, "tag '" + tag_excerpt(text, tag) +
                                            "' has a '|' but no format after it, as in "
                                            "{{total | currency EUR}}");
    content = content.substr(0, bar);
    trim();
  }
  if (content.empty()) return fail(start, "tag '" + tag_excerpt(text, tag) + "' has no name");
  const auto space = std::find_if(content.begin(), content.end(), is_space);
  if (space != content.end())
    return fail(content_offset + static_cast<std::size_t>(space - content.begin()),
                "the name in tag '" + tag_excerpt(text, tag) +
                    "' contains whitespace; names are one word, as in {{customer.name}}");
  tag.name = content;
  tag.name_offset = content_offset;
  return tag;
}

}  // namespace ablauf::detail::mustache
