#include "typing/value_kinds.hpp"

#include <array>
#include <string_view>
#include <utility>
#include <vector>

namespace ablauf::detail {

Kinds kinds_of(const boost::json::value& value) noexcept {
  switch (value.kind()) {
    case boost::json::kind::null: return kind::null;
    case boost::json::kind::bool_: return kind::boolean;
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_: return kind::number;
    case boost::json::kind::string: return kind::string;
    case boost::json::kind::array: return kind::array;
    case boost::json::kind::object: return kind::object;
  }
  return kind::any;
}

std::string describe_kinds(Kinds kinds) {
  if (kinds == kind::any || kinds == 0) return "any value";
  if (kinds == kind::boolean) return "true or false";
  static constexpr std::array<std::pair<Kinds, std::string_view>, 6> names{{
      {kind::boolean, "a boolean"},
      {kind::number, "a number"},
      {kind::string, "a string"},
      {kind::array, "a list"},
      {kind::object, "an object"},
      {kind::null, "null"},
  }};
  std::vector<std::string_view> named;
  for (const auto& [bit, name] : names)
    if (kinds & bit) named.push_back(name);
  std::string text;
  for (std::size_t i = 0; i < named.size(); ++i) {
    if (i > 0) text += i + 1 == named.size() ? " or " : ", ";
    text += named[i];
  }
  return text;
}

}  // namespace ablauf::detail
