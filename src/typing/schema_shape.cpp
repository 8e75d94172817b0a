#include "typing/schema_shape.hpp"

#include "data/data_schema_data.hpp"

namespace ablauf::detail {

Kinds SchemaShape::kinds() const noexcept {
  if (!data_) return kind::any;
  const auto& node = data_->nodes[node_];
  if (node.nothing) return 0;
  if (node.constant) return kinds_of(*node.constant);
  if (node.one_of) {
    Kinds kinds = 0;
    for (const auto& value : *node.one_of) kinds |= kinds_of(value);
    return kinds;
  }
  if (node.types == 0) return kind::any;
  using Type = DataSchema::Data::Type;
  Kinds kinds = 0;
  if (node.types & Type::null) kinds |= kind::null;
  if (node.types & Type::boolean) kinds |= kind::boolean;
  if (node.types & (Type::integer | Type::number)) kinds |= kind::number;
  if (node.types & Type::string) kinds |= kind::string;
  if (node.types & Type::array) kinds |= kind::array;
  if (node.types & Type::object) kinds |= kind::object;
  return kinds;
}

std::vector<std::string_view> SchemaShape::options() const {
  std::vector<std::string_view> strings;
  if (!data_) return strings;
  const auto& node = data_->nodes[node_];
  if (node.constant && node.constant->is_string()) strings.push_back(node.constant->get_string());
  if (node.one_of)
    for (const auto& value : *node.one_of)
      if (value.is_string()) strings.push_back(value.get_string());
  return strings;
}

ShapeMember SchemaShape::member(std::string_view name) const {
  using Found = ShapeMember::Found;
  if (!data_) return {};
  if (!(kinds() & kind::object)) return {.found = Found::no_object};
  const auto& node = data_->nodes[node_];
  if (const auto found = node.properties.find(name); found != node.properties.end()) {
    bool required = false;
    for (const auto& r : node.required) required = required || r == name;
    return {.found = Found::declared, .shape = {data_, found->second}, .required = required};
  }
  if (!node.additional) return {};
  if (data_->nodes[*node.additional].nothing) return {.found = Found::unknown};
  return {.found = Found::undeclared, .shape = {data_, *node.additional}};
}

std::vector<std::string_view> SchemaShape::member_names() const {
  std::vector<std::string_view> names;
  if (data_)
    for (const auto& name : data_->nodes[node_].property_order) names.push_back(name);
  return names;
}

SchemaShape SchemaShape::items() const noexcept {
  if (!data_) return {};
  const auto& items = data_->nodes[node_].items;
  return items ? SchemaShape(data_, *items) : SchemaShape();
}

}  // namespace ablauf::detail
