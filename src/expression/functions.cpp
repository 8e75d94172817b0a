#include "functions.hpp"

#include <algorithm>

namespace ablauf::detail {
namespace {

std::vector<const Function*> library(Semantics semantics) {
  std::vector<const Function*> all;
  // JsonLogic's own operations come first, so that they win over same-named functions.
  if (semantics == Semantics::javascript)
    for (const auto& f : jsonlogic_functions()) all.push_back(&f);
  for (const auto part :
       {string_functions(), number_functions(), date_functions(), list_functions()})
    for (const auto& f : part) all.push_back(&f);
  return all;
}

const std::vector<const Function*>& table(Semantics semantics) {
  static const auto text = library(Semantics::strict);
  static const auto jsonlogic = library(Semantics::javascript);
  return semantics == Semantics::strict ? text : jsonlogic;
}

}  // namespace

const Function* find_function(std::string_view name, Semantics semantics) {
  const auto& functions = table(semantics);
  const auto it = std::find_if(functions.begin(), functions.end(),
                               [&](const Function* f) { return f->name == name; });
  return it == functions.end() ? nullptr : *it;
}

std::vector<std::string_view> function_names(Semantics semantics) {
  std::vector<std::string_view> names;
  for (const Function* f : table(semantics)) names.push_back(f->name);
  return names;
}

}  // namespace ablauf::detail
