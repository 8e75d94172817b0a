// Reading a data schema: every keyword checked, every problem reported at once.
#include "ablauf/data_schema.hpp"
#include "ablauf/source.hpp"

#include "data/data_schema_data.hpp"
#include "suggest.hpp"
#include "value_text.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <utility>

namespace ablauf {
namespace {

namespace json = boost::json;
using Data = DataSchema::Data;

constexpr std::array<std::pair<std::string_view, std::uint8_t>, 7> type_names{{
    {"null", Data::null},
    {"boolean", Data::boolean},
    {"integer", Data::integer},
    {"number", Data::number},
    {"string", Data::string},
    {"array", Data::array},
    {"object", Data::object},
}};

constexpr std::array<std::pair<std::string_view, DataFormat>, 3> format_names{{
    {"date", DataFormat::date},
    {"date-time", DataFormat::date_time},
    {"email", DataFormat::email},
}};

// The keywords checked, and the annotations accepted and left alone.
// clang-format off
const std::vector<std::string_view> keywords{
    "type", "enum", "const", "properties", "required", "additionalProperties",
    "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
    "minLength", "maxLength", "pattern", "format", "items", "minItems", "maxItems",
    "title", "description", "default", "examples", "$comment", "$schema"};

// Keywords of JSON Schema that a schema may use elsewhere and that are not checked here.
constexpr std::array<std::string_view, 26> unsupported{
    "$ref", "$defs", "definitions", "$id", "$anchor",
    "allOf", "anyOf", "oneOf", "not", "if", "then", "else",
    "patternProperties", "propertyNames", "dependencies", "dependentRequired", "dependentSchemas",
    "minProperties", "maxProperties", "contains", "uniqueItems", "multipleOf",
    "additionalItems", "prefixItems", "unevaluatedItems", "unevaluatedProperties"};
// clang-format on

class Reader {
 public:
  Reader(Data& data, std::vector<Error>& problems) : data_(data), problems_(problems) {}

  // Reads the schema at `pointer` into node `index`; subschemas it names go on the list.
  void read(const json::value& schema, const std::string& pointer, std::uint32_t index) {
    if (schema.is_bool()) {
      data_.nodes[index].nothing = !schema.get_bool();
      return;
    }
    if (!schema.is_object()) {
      problem(ErrorCode::wrong_type, pointer,
              std::string("a schema is an object, true or false, not ") + detail::describe(schema));
      return;
    }
    for (const auto& [key, value] : schema.get_object()) keyword(key, value, pointer, index);
    check_bounds(pointer, index);
  }

  struct Work {
    const json::value* schema;
    std::string pointer;
    std::uint32_t node;
  };
  std::vector<Work> work;

 private:
  Data::Node& node(std::uint32_t index) { return data_.nodes[index]; }

  void problem(ErrorCode code, std::string pointer, std::string message) {
    problems_.push_back(Error{code, std::move(message), std::move(pointer), {}});
  }

  // A new node for the subschema at `pointer`, read later from the list.
  std::uint32_t subschema(const json::value& schema, std::string pointer) {
    const auto index = static_cast<std::uint32_t>(data_.nodes.size());
    data_.nodes.emplace_back();
    work.push_back({&schema, std::move(pointer), index});
    return index;
  }

  std::optional<double> number(const json::value& value, const std::string& pointer,
                               std::string_view name) {
    if (value.is_number()) return value.to_number<double>();
    problem(ErrorCode::wrong_type, pointer,
            "'" + std::string(name) + "' must be a number, not " + detail::describe(value));
    return std::nullopt;
  }

  std::optional<std::size_t> count(const json::value& value, const std::string& pointer,
                                   std::string_view name) {
    const auto n = number(value, pointer, name);
    if (!n) return std::nullopt;
    if (*n < 0 || std::trunc(*n) != *n) {
      problem(ErrorCode::invalid_value, pointer,
              "'" + std::string(name) + "' must be a whole number of 0 or more, not " +
                  detail::to_text(value));
      return std::nullopt;
    }
    return *n >= static_cast<double>(std::numeric_limits<std::size_t>::max())
               ? std::numeric_limits<std::size_t>::max()
               : static_cast<std::size_t>(*n);
  }

  void keyword(std::string_view key, const json::value& value, const std::string& pointer,
               std::uint32_t index) {
    const std::string at = pointer + "/" + escape_pointer_token(key);
    if (key == "type") return read_type(value, at, index);
    if (key == "enum") {
      if (!value.is_array())
        return problem(
            ErrorCode::wrong_type, at,
            std::string("'enum' must be a list of values, not ") + detail::describe(value));
      if (value.get_array().empty())
        return problem(ErrorCode::invalid_value, at,
                       "'enum' is empty, so no value would fit; list the values allowed");
      node(index).one_of.emplace(value.get_array().begin(), value.get_array().end());
      return;
    }
    if (key == "const") {
      node(index).constant = value;
      return;
    }
    if (key == "properties") return read_properties(value, at, index);
    if (key == "required") return read_required(value, at, index);
    if (key == "additionalProperties" || key == "items") {
      if (value.is_array() && key == "items")
        return problem(ErrorCode::invalid_value, at,
                       "'items' as a list of schemas, one per position, is not checked; give one "
                       "schema for every element");
      if (!value.is_object() && !value.is_bool())
        return problem(ErrorCode::wrong_type, at,
                       "'" + std::string(key) + "' must be a schema (an object, true or false), " +
                           "not " + detail::describe(value));
      const auto child = subschema(value, at);
      (key == "items" ? node(index).items : node(index).additional) = child;
      return;
    }
    if (key == "minimum")
      node(index).minimum = number(value, at, key);
    else if (key == "maximum")
      node(index).maximum = number(value, at, key);
    else if (key == "exclusiveMinimum" || key == "exclusiveMaximum") {
      if (value.is_bool())
        return problem(ErrorCode::wrong_type, at,
                       "'" + std::string(key) + "' must be a number, the bound itself (as in " +
                           "JSON Schema draft 6 and later), not a boolean");
      (key == "exclusiveMinimum" ? node(index).exclusive_minimum : node(index).exclusive_maximum) =
          number(value, at, key);
    } else if (key == "minLength")
      node(index).min_length = count(value, at, key);
    else if (key == "maxLength")
      node(index).max_length = count(value, at, key);
    else if (key == "minItems")
      node(index).min_items = count(value, at, key);
    else if (key == "maxItems")
      node(index).max_items = count(value, at, key);
    else if (key == "pattern")
      read_pattern(value, at, index);
    else if (key == "format")
      read_format(value, at, index);
    else if (std::find(keywords.begin(), keywords.end(), key) == keywords.end())
      unknown(key, at);
  }

  void unknown(std::string_view key, const std::string& at) {
    if (std::find(unsupported.begin(), unsupported.end(), key) != unsupported.end())
      return problem(ErrorCode::unknown_field, at,
                     "'" + std::string(key) + "' is a JSON Schema keyword that ablauf does not " +
                         "check; docs/format.md lists those it does");
    problem(ErrorCode::unknown_field, at,
            "'" + std::string(key) + "' is not a schema keyword" +
                detail::did_you_mean_or_list(key, keywords, "keywords"));
  }

  void read_type(const json::value& value, const std::string& at, std::uint32_t index) {
    const auto one = [&](const json::value& name, const std::string& where) -> std::uint8_t {
      if (!name.is_string()) {
        problem(ErrorCode::wrong_type, where,
                std::string("a type is named by a string, not ") + detail::describe(name));
        return 0;
      }
      for (const auto& [known, bit] : type_names)
        if (name.get_string() == known) return bit;
      std::vector<std::string_view> names;
      for (const auto& entry : type_names) names.push_back(entry.first);
      problem(ErrorCode::invalid_value, where,
              "'" + std::string(name.get_string()) + "' is not a type" +
                  detail::did_you_mean_or_list(name.get_string(), names, "types"));
      return 0;
    };
    std::uint8_t types = 0;
    if (value.is_array()) {
      if (value.get_array().empty())
        return problem(ErrorCode::invalid_value, at,
                       "'type' is an empty list, so no value would fit; name a type");
      for (std::size_t i = 0; i < value.get_array().size(); ++i)
        types |= one(value.get_array()[i], at + "/" + std::to_string(i));
    } else {
      types = one(value, at);
    }
    node(index).types = types;
  }

  void read_properties(const json::value& value, const std::string& at, std::uint32_t index) {
    if (!value.is_object())
      return problem(
          ErrorCode::wrong_type, at,
          std::string("'properties' must be an object of schemas, not ") + detail::describe(value));
    for (const auto& [name, schema] : value.get_object()) {
      const auto child = subschema(schema, at + "/" + escape_pointer_token(name));
      node(index).properties.emplace(std::string(name), child);
      node(index).property_order.emplace_back(name);
    }
  }

  void read_required(const json::value& value, const std::string& at, std::uint32_t index) {
    if (!value.is_array())
      return problem(
          ErrorCode::wrong_type, at,
          std::string("'required' must be a list of member names, not ") + detail::describe(value));
    const auto& names = value.get_array();
    for (std::size_t i = 0; i < names.size(); ++i) {
      if (!names[i].is_string()) {
        problem(ErrorCode::wrong_type, at + "/" + std::to_string(i),
                std::string("a required member is named by a string, not ") +
                    detail::describe(names[i]));
        continue;
      }
      node(index).required.emplace_back(names[i].get_string());
    }
  }

  void read_pattern(const json::value& value, const std::string& at, std::uint32_t index) {
    if (!value.is_string())
      return problem(ErrorCode::wrong_type, at,
                     std::string("'pattern' must be a string, not ") + detail::describe(value));
    auto pattern = detail::TextPattern::compile(value.get_string());
    if (!pattern)
      return problem(ErrorCode::invalid_value, at,
                     "'pattern' is not a valid regular expression: " + pattern.error());
    node(index).pattern = std::move(*pattern);
  }

  void read_format(const json::value& value, const std::string& at, std::uint32_t index) {
    if (!value.is_string())
      return problem(ErrorCode::wrong_type, at,
                     std::string("'format' must be a string, not ") + detail::describe(value));
    for (const auto& [name, format] : format_names)
      if (value.get_string() == name) {
        node(index).format = format;
        return;
      }
    std::vector<std::string_view> names;
    for (const auto& entry : format_names) names.push_back(entry.first);
    problem(ErrorCode::invalid_value, at,
            "format '" + std::string(value.get_string()) + "' is not checked" +
                detail::did_you_mean_or_list(value.get_string(), names, "the formats checked"));
  }

  // Bounds that exclude every value are a mistake, not a schema.
  void check_bounds(const std::string& pointer, std::uint32_t index) {
    const auto& n = node(index);
    const auto crossed = [&](const auto& low, const auto& high, std::string_view low_name,
                             std::string_view high_name) {
      if (!low || !high || !(*low > *high)) return;
      std::string low_text, high_text;
      detail::append_number(static_cast<double>(*low), low_text);
      detail::append_number(static_cast<double>(*high), high_text);
      problem(ErrorCode::invalid_value, pointer + "/" + std::string(low_name),
              "'" + std::string(low_name) + "' (" + low_text + ") is above '" +
                  std::string(high_name) + "' (" + high_text + "), so no value would fit");
    };
    crossed(n.minimum, n.maximum, "minimum", "maximum");
    crossed(n.min_length, n.max_length, "minLength", "maxLength");
    crossed(n.min_items, n.max_items, "minItems", "maxItems");
  }

  Data& data_;
  std::vector<Error>& problems_;
};

}  // namespace

DataSchema::DataSchema() : data_(std::make_shared<Data>(Data{json::object(), {Data::Node{}}})) {}

tl::expected<DataSchema, std::vector<Error>> DataSchema::read(json::value schema,
                                                              std::string_view pointer) {
  auto data = std::make_shared<Data>();
  data->json = std::move(schema);
  data->nodes.emplace_back();
  std::vector<Error> problems;
  Reader reader(*data, problems);
  reader.work.push_back({&data->json, std::string(pointer), 0});
  while (!reader.work.empty()) {
    auto next = std::move(reader.work.back());
    reader.work.pop_back();
    reader.read(*next.schema, next.pointer, next.node);
  }
  if (!problems.empty()) {
    // In the order of the document, as a reader fixes them.
    std::stable_sort(problems.begin(), problems.end(),
                     [](const Error& a, const Error& b) { return a.pointer < b.pointer; });
    return tl::make_unexpected(std::move(problems));
  }
  return DataSchema(std::move(data));
}

const json::value& DataSchema::json() const noexcept {
  return data_->json;
}

}  // namespace ablauf
