// Checking a value against a data schema: every problem, each at its JSON pointer.
#include "ablauf/data_schema.hpp"
#include "ablauf/source.hpp"

#include "data/data_schema_data.hpp"
#include "data/string_formats.hpp"
#include "expression/utf8.hpp"
#include "expression/value.hpp"
#include "json_number.hpp"
#include "message_text.hpp"
#include "suggest.hpp"
#include "value_text.hpp"

#include <algorithm>
#include <cmath>

namespace ablauf {
namespace {

namespace json = boost::json;
using Data = DataSchema::Data;

// Most values of an enum a message lists.
constexpr std::size_t max_listed_values = 20;

using detail::count_of;
using detail::number_text;

// A value quoted back: a string in quotes, cut to length; anything else as compact JSON.
std::string quoted(const json::value& value) {
  if (value.is_string()) return detail::quoted_text(value.get_string());
  std::string out;
  detail::append_json(value, out);
  return out;
}

bool is_integer(const json::value& value) {
  if (value.is_int64() || value.is_uint64()) return true;
  return value.is_double() && std::isfinite(value.get_double()) &&
         std::trunc(value.get_double()) == value.get_double();
}

bool has_type(std::uint8_t types, const json::value& value) {
  switch (value.kind()) {
    case json::kind::null: return types & Data::null;
    case json::kind::bool_: return types & Data::boolean;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return (types & Data::number) || ((types & Data::integer) && is_integer(value));
    case json::kind::string: return types & Data::string;
    case json::kind::array: return types & Data::array;
    case json::kind::object: return types & Data::object;
  }
  return false;
}

// "a string", "a number or null", …
std::string expected_types(std::uint8_t types) {
  constexpr std::pair<std::uint8_t, std::string_view> names[] = {
      {Data::object, "an object"}, {Data::array, "an array"},     {Data::string, "a string"},
      {Data::number, "a number"},  {Data::integer, "an integer"}, {Data::boolean, "true or false"},
      {Data::null, "null"}};
  std::vector<std::string_view> named;
  for (const auto& [bit, name] : names)
    if ((types & bit) && !(bit == Data::integer && (types & Data::number))) named.push_back(name);
  std::string out;
  for (std::size_t i = 0; i < named.size(); ++i) {
    if (i > 0) out += i + 1 == named.size() ? " or " : ", ";
    out += named[i];
  }
  return out;
}

// A value's description after "not": "a string", "a number with a fraction", ….
std::string described(const json::value& value) {
  if (value.is_double() && !is_integer(value)) return "a number with a fraction";
  return detail::describe(value);
}

class Checker {
 public:
  Checker(const Data& data, std::size_t max_problems) : data_(data), max_problems_(max_problems) {}

  std::vector<Error> run(const json::value& value) {
    work_.push_back({0, &value, std::string()});
    while (!work_.empty()) {
      auto next = std::move(work_.back());
      work_.pop_back();
      check(next);
    }
    if (omitted_ > 0)
      problems_.push_back(Error{ErrorCode::invalid_value,
                                "and " + count_of(omitted_, "more problem", "more problems"),
                                "",
                                {}});
    return std::move(problems_);
  }

 private:
  struct Work {
    std::uint32_t node;
    const json::value* value;
    std::string pointer;
    // For a member that `additionalProperties` checks: the object's schema, to name the
    // members it declares when this one may not stand there.
    const Data::Node* object = nullptr;
    std::string_view name = {};
  };

  void problem(ErrorCode code, const std::string& pointer, std::string message) {
    if (problems_.size() >= max_problems_) {
      ++omitted_;
      return;
    }
    problems_.push_back(Error{code, std::move(message), pointer, {}});
  }

  void check(const Work& work) {
    const Data::Node& node = data_.nodes[work.node];
    const json::value& value = *work.value;
    const std::string& pointer = work.pointer;
    if (node.nothing && work.object) return undeclared(*work.object, work.name, pointer);
    if (node.nothing) return problem(ErrorCode::invalid_value, pointer, "no value may stand here");
    if (node.types != 0 && !has_type(node.types, value))
      return problem(ErrorCode::wrong_type, pointer,
                     "expected " + expected_types(node.types) + ", not " + described(value));
    if (node.one_of) check_enum(*node.one_of, value, pointer);
    if (node.constant && !detail::strictly_equal(*node.constant, value))
      problem(ErrorCode::invalid_value, pointer,
              "must be " + quoted(*node.constant) + ", not " + quoted(value));
    switch (value.kind()) {
      case json::kind::int64:
      case json::kind::uint64:
      case json::kind::double_: return check_number(node, value, pointer);
      case json::kind::string: return check_string(node, value.get_string(), pointer);
      case json::kind::array: return check_array(node, value.get_array(), pointer);
      case json::kind::object: return check_object(node, value.get_object(), pointer);
      default: return;
    }
  }

  void check_enum(const std::vector<json::value>& allowed, const json::value& value,
                  const std::string& pointer) {
    for (const auto& candidate : allowed)
      if (detail::strictly_equal(candidate, value)) return;
    std::string list;
    std::vector<std::string_view> texts;
    for (std::size_t i = 0; i < allowed.size() && i < max_listed_values; ++i) {
      if (i > 0) list += ", ";
      list += quoted(allowed[i]);
      if (allowed[i].is_string()) texts.push_back(allowed[i].get_string());
    }
    if (allowed.size() > max_listed_values)
      list += " and " + std::to_string(allowed.size() - max_listed_values) + " more";
    problem(ErrorCode::invalid_value, pointer,
            quoted(value) + " is not one of " + list +
                (value.is_string() ? detail::did_you_mean(value.get_string(), texts) : ""));
  }

  void check_number(const Data::Node& node, const json::value& value, const std::string& pointer) {
    const auto bound = [&](const std::optional<double>& limit, bool below_fails, bool equal_fails,
                           std::string_view what) {
      if (!limit) return;
      const auto order = detail::compare_number(value, *limit);
      const bool fails = (below_fails ? order < 0 : order > 0) || (equal_fails && order == 0);
      if (fails)
        problem(ErrorCode::invalid_value, pointer,
                "must be " + std::string(what) + " " + number_text(*limit) + ", not " +
                    detail::to_text(value));
    };
    bound(node.minimum, true, false, "at least");
    bound(node.maximum, false, false, "at most");
    bound(node.exclusive_minimum, true, true, "greater than");
    bound(node.exclusive_maximum, false, true, "less than");
  }

  void check_string(const Data::Node& node, const json::string& text, const std::string& pointer) {
    if (node.min_length || node.max_length) {
      const std::size_t length = detail::utf8::length(text);
      if (node.min_length && length < *node.min_length)
        problem(ErrorCode::invalid_value, pointer,
                "must have at least " + count_of(*node.min_length, "character", "characters") +
                    ", not " + std::to_string(length));
      if (node.max_length && length > *node.max_length)
        problem(ErrorCode::invalid_value, pointer,
                "must have at most " + count_of(*node.max_length, "character", "characters") +
                    ", not " + std::to_string(length));
    }
    if (node.pattern) {
      const auto matched = node.pattern->matches(text, detail::TextPattern::Span::anywhere);
      if (!matched)
        problem(ErrorCode::invalid_value, pointer,
                "could not be checked against the pattern " + node.pattern->source() + ": " +
                    matched.error().message);
      else if (!*matched)
        problem(
            ErrorCode::invalid_value, pointer,
            quoted(json::value(text)) + " does not match the pattern " + node.pattern->source());
    }
    if (node.format != DataFormat::none && !detail::has_format(text, node.format))
      problem(ErrorCode::invalid_value, pointer,
              "expected " + std::string(detail::format_example(node.format)) + ", not " +
                  quoted(json::value(text)));
  }

  void check_array(const Data::Node& node, const json::array& elements,
                   const std::string& pointer) {
    if (node.min_items && elements.size() < *node.min_items)
      problem(ErrorCode::invalid_value, pointer,
              "must have at least " + count_of(*node.min_items, "element", "elements") + ", not " +
                  std::to_string(elements.size()));
    if (node.max_items && elements.size() > *node.max_items)
      problem(ErrorCode::invalid_value, pointer,
              "must have at most " + count_of(*node.max_items, "element", "elements") + ", not " +
                  std::to_string(elements.size()));
    if (!node.items) return;
    // Last in, first out: pushed backwards, the elements are checked in order.
    for (std::size_t i = elements.size(); i-- > 0;)
      work_.push_back({*node.items, &elements[i], pointer + "/" + std::to_string(i)});
  }

  void check_object(const Data::Node& node, const json::object& members,
                    const std::string& pointer) {
    for (const auto& name : node.required)
      if (!members.contains(name))
        problem(ErrorCode::missing_field, pointer + "/" + escape_pointer_token(name),
                "'" + name + "' is required and missing");
    const auto first = work_.size();
    for (const auto& [name, value] : members) {
      const std::string at = pointer + "/" + escape_pointer_token(name);
      const auto declared = node.properties.find(std::string_view(name));
      if (declared != node.properties.end()) {
        work_.push_back({declared->second, &value, at});
        continue;
      }
      if (node.additional) work_.push_back({*node.additional, &value, at, &node, name});
    }
    std::reverse(work_.begin() + static_cast<std::ptrdiff_t>(first), work_.end());
  }

  // A member `additionalProperties: false` does not allow.
  void undeclared(const Data::Node& object, std::string_view name, const std::string& pointer) {
    const std::vector<std::string_view> names(object.property_order.begin(),
                                              object.property_order.end());
    problem(
        ErrorCode::unknown_field, pointer,
        "'" + std::string(name) + "' is not a declared member" +
            (names.empty() ? std::string("; none is declared")
                           : detail::did_you_mean_or_list(name, names, "the members declared")));
  }

  const Data& data_;
  std::size_t max_problems_;
  std::vector<Work> work_;
  std::vector<Error> problems_;
  std::size_t omitted_ = 0;
};

}  // namespace

std::vector<Error> DataSchema::check(const json::value& value,
                                     const DataSchemaLimits& limits) const {
  return Checker(*data_, std::max<std::size_t>(limits.max_problems, 1)).run(value);
}

std::string describe_problems(const std::vector<Error>& problems) {
  std::string out;
  for (const auto& problem : problems) {
    if (!out.empty()) out += "; ";
    if (!problem.pointer.empty()) out += problem.pointer + ": ";
    out += problem.message;
  }
  return out;
}

}  // namespace ablauf
