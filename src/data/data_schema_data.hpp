// A data schema as read: a flat list of nodes, one per (sub)schema, that point at each other
// by index (internal). Reading fills it; checking walks it.
#pragma once

#include "ablauf/data_schema.hpp"
#include "text_pattern.hpp"

#include <boost/json/value.hpp>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ablauf {

// The formats a schema's "format" checks.
enum class DataFormat : std::uint8_t { none, date, date_time, email };

struct DataSchema::Data {
  // The kinds of JSON value "type" names, as bits of Node::types.
  enum Type : std::uint8_t {
    null = 1 << 0,
    boolean = 1 << 1,
    integer = 1 << 2,  // a number without a fraction
    number = 1 << 3,   // any number; includes integer
    string = 1 << 4,
    array = 1 << 5,
    object = 1 << 6,
  };

  struct Node {
    bool nothing = false;                                   // the schema `false`: no value fits
    std::uint8_t types = 0;                                 // Type bits; 0: any type
    std::optional<std::vector<boost::json::value>> one_of;  // "enum"
    std::optional<boost::json::value> constant;             // "const"
    // Objects: the declared members, by name and in the order written.
    std::map<std::string, std::uint32_t, std::less<>> properties;
    std::vector<std::string> property_order;
    std::vector<std::string> required;
    std::optional<std::uint32_t> additional;  // "additionalProperties"
    // Numbers.
    std::optional<double> minimum, maximum, exclusive_minimum, exclusive_maximum;
    // Strings.
    std::optional<std::size_t> min_length, max_length;
    std::optional<detail::TextPattern> pattern;
    DataFormat format = DataFormat::none;
    // Arrays.
    std::optional<std::uint32_t> items;
    std::optional<std::size_t> min_items, max_items;
  };

  boost::json::value json;
  std::vector<Node> nodes;  // nodes[0] is the schema itself
};

}  // namespace ablauf
