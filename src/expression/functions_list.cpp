#include "function_support.hpp"
#include "value_text.hpp"

namespace ablauf::detail {
namespace json = boost::json;
namespace {

using Args = std::span<const Val>;

FunctionResult join(Args args, const CallContext&) {
  const auto& list = args[0].get();
  const auto& separator = args[1].get();
  if (!list.is_array()) return wrong_argument("join", 0, "a list", list);
  if (!separator.is_string()) return wrong_argument("join", 1, "a string", separator);
  std::string out;
  bool first = true;
  for (const auto& v : list.get_array()) {
    if (!first) out += separator.get_string();
    first = false;
    append_text(v, out);
  }
  return json::value(std::move(out));
}

FunctionResult keys(Args args, const CallContext&) {
  const auto& object = args[0].get();
  if (!object.is_object()) return wrong_argument("keys", 0, "an object", object);
  json::array out;
  for (const auto& entry : object.get_object()) out.emplace_back(entry.key());
  return json::value(std::move(out));
}

FunctionResult values(Args args, const CallContext&) {
  const auto& object = args[0].get();
  if (!object.is_object()) return wrong_argument("values", 0, "an object", object);
  json::array out;
  for (const auto& entry : object.get_object()) out.push_back(entry.value());
  return json::value(std::move(out));
}

// coalesce(a, b, …): the first argument that is not null, else null.
FunctionResult coalesce(Args args, const CallContext&) {
  for (const auto& arg : args)
    if (!arg->is_null()) return json::value(arg.get());
  return json::value(nullptr);
}

// merge(a, b, …): one list of the elements of lists and the other values themselves.
FunctionResult merge(Args args, const CallContext&) {
  json::array out;
  for (const auto& arg : args) {
    if (arg->is_array()) {
      for (const auto& v : arg->get_array()) out.push_back(v);
    } else {
      out.push_back(arg.get());
    }
  }
  return json::value(std::move(out));
}

constexpr Function functions[] = {
    {"join", 2, 2, "join(list, separator)", join, kind::string},
    {"keys", 1, 1, "keys(object)", keys, kind::array},
    {"values", 1, 1, "values(object)", values, kind::array},
    {"coalesce", 1, Function::any_number, "coalesce(a, b, …)", coalesce},
    {"merge", 0, Function::any_number, "merge(list or value, …)", merge, kind::array},
};

}  // namespace

std::span<const Function> list_functions() {
  return functions;
}

}  // namespace ablauf::detail
