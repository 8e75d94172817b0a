// A place in a declared schema (internal): what the loader's type checking knows of the value
// found there — its kinds, its members, its items, the strings it may be — read from a
// DataSchema without copying it.
#pragma once

#include "typing/value_kinds.hpp"

#include "ablauf/data_schema.hpp"

#include <cstdint>
#include <string_view>
#include <vector>

namespace ablauf::detail {

struct ShapeMember;

class SchemaShape {
 public:
  // Undeclared: any value, with any members.
  SchemaShape() = default;
  // The whole of `schema`, which must outlive the shape.
  explicit SchemaShape(const DataSchema& schema) noexcept : data_(&schema.data()) {}

  bool declared() const noexcept { return data_ != nullptr; }

  // The kinds its value may have.
  Kinds kinds() const noexcept;

  // The strings it may be (from "enum" or "const"); empty when it may be any string.
  std::vector<std::string_view> options() const;

  // What a member `name` of its value is.
  ShapeMember member(std::string_view name) const;

  // The members "properties" lists, in the order written.
  std::vector<std::string_view> member_names() const;

  // Whether its value may be a list, and the shape of the list's items.
  bool may_be_list() const noexcept { return kinds() & kind::array; }
  SchemaShape items() const noexcept;

 private:
  SchemaShape(const DataSchema::Data* data, std::uint32_t node) noexcept
      : data_(data), node_(node) {}
  const DataSchema::Data* data_ = nullptr;
  std::uint32_t node_ = 0;
};

struct ShapeMember {
  enum class Found : std::uint8_t {
    declared,    // listed in "properties"
    undeclared,  // not listed, but the object allows others (read as `shape`)
    unknown,     // not listed, and "additionalProperties": false
    no_object,   // its value is never an object
  };
  Found found = Found::undeclared;
  SchemaShape shape;
  bool required = false;  // whether every value has it
};

}  // namespace ablauf::detail
