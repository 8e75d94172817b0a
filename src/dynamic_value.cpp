#include "ablauf/dynamic_value.hpp"

#include "ablauf/source.hpp"

#include <variant>

namespace ablauf {
namespace json = boost::json;

namespace detail {

struct DynamicNode {
  struct Member;
  // A constant subtree, a template, an expression, or an object or array with dynamic parts.
  std::variant<json::value, Template, Expression, std::vector<Member>, std::vector<DynamicNode>>
      content;
  std::string pointer;  // below the whole value
};

struct DynamicNode::Member {
  std::string key;
  DynamicNode value;
};

namespace {

class Compiler {
 public:
  explicit Compiler(const DynamicCompileOptions& options) : options_(options) {}

  DynamicNode compile(const json::value& value, const std::string& pointer) {
    if (const auto* object = value.if_object()) {
      if (object->size() == 1 && object->begin()->key() == "=")
        return expression(object->begin()->value(), pointer + "/=");
      std::vector<DynamicNode::Member> members;
      bool dynamic = false;
      for (const auto& [key, element] : *object) {
        auto node = compile(element, pointer + "/" + escape_pointer_token(key));
        dynamic = dynamic || !std::holds_alternative<json::value>(node.content);
        members.push_back({std::string(key), std::move(node)});
      }
      if (!dynamic) return {value, pointer};
      return {std::move(members), pointer};
    }
    if (const auto* array = value.if_array()) {
      std::vector<DynamicNode> elements;
      bool dynamic = false;
      for (std::size_t i = 0; i < array->size(); ++i) {
        auto node = compile((*array)[i], pointer + "/" + std::to_string(i));
        dynamic = dynamic || !std::holds_alternative<json::value>(node.content);
        elements.push_back(std::move(node));
      }
      if (!dynamic) return {value, pointer};
      return {std::move(elements), pointer};
    }
    if (value.is_string() && options_.strings_are_templates) {
      auto compiled = Template::compile(value.get_string(), options_.templates);
      if (!compiled) {
        problems.push_back({pointer, compiled.error().offset, true, true, false,
                            std::move(compiled.error().message)});
        return {value, pointer};
      }
      if (compiled->has_tags()) return {std::move(*compiled), pointer};
    }
    return {value, pointer};
  }

  std::vector<DynamicValueProblem> problems;

 private:
  DynamicNode expression(const json::value& rule, const std::string& pointer) {
    auto compiled = rule.is_string() ? Expression::parse(rule.get_string(), options_.expressions)
                                     : Expression::from_jsonlogic(rule, options_.expressions);
    if (!compiled) {
      auto& error = compiled.error();
      problems.push_back({pointer + error.pointer, error.offset, rule.is_string(), false,
                          error.limit, std::move(error.message)});
      return {rule, pointer};
    }
    return {std::move(*compiled), pointer};
  }

  const DynamicCompileOptions& options_;
};

using Evaluated = tl::expected<json::value, EvaluationError>;

Evaluated evaluate(const DynamicNode& node, const json::value& data,
                   const DynamicEvaluationOptions& options) {
  const auto located = [&](EvaluationError error) {
    error.pointer = node.pointer + error.pointer;
    return tl::make_unexpected(std::move(error));
  };
  return std::visit(
      [&](const auto& content) -> Evaluated {
        using T = std::decay_t<decltype(content)>;
        if constexpr (std::is_same_v<T, json::value>) {
          return content;
        } else if constexpr (std::is_same_v<T, Template>) {
          std::string out;
          auto ok = render(content, data, out, options.templates);
          if (!ok) return located({"template", std::move(ok.error().message)});
          return json::value(std::move(out));
        } else if constexpr (std::is_same_v<T, Expression>) {
          auto v = ablauf::evaluate(content, data, options.expressions);
          if (!v) {
            // A text expression's error offset stays; its pointer is the "=" member.
            if (content.syntax() == ExpressionSyntax::text) v.error().pointer.clear();
            return located(std::move(v.error()));
          }
          return std::move(*v);
        } else if constexpr (std::is_same_v<T, std::vector<DynamicNode::Member>>) {
          json::object out;
          for (const auto& member : content) {
            auto v = evaluate(member.value, data, options);
            if (!v) return v;
            out.emplace(member.key, std::move(*v));
          }
          return json::value(std::move(out));
        } else {
          json::array out;
          for (const auto& element : content) {
            auto v = evaluate(element, data, options);
            if (!v) return v;
            out.push_back(std::move(*v));
          }
          return json::value(std::move(out));
        }
      },
      node.content);
}

void collect_parts(const DynamicNode& node, std::vector<DynamicValue::Part>& out) {
  if (const auto* e = std::get_if<Expression>(&node.content)) {
    out.push_back({node.pointer, e, nullptr});
  } else if (const auto* t = std::get_if<Template>(&node.content)) {
    out.push_back({node.pointer, nullptr, t});
  } else if (const auto* members = std::get_if<std::vector<DynamicNode::Member>>(&node.content)) {
    for (const auto& member : *members) collect_parts(member.value, out);
  } else if (const auto* elements = std::get_if<std::vector<DynamicNode>>(&node.content)) {
    for (const auto& element : *elements) collect_parts(element, out);
  }
}

}  // namespace
}  // namespace detail

DynamicValue::DynamicValue() : root_(std::make_shared<const detail::DynamicNode>()) {}

DynamicValue DynamicValue::constant(json::value value) {
  DynamicValue out;
  out.root_ = std::make_shared<const detail::DynamicNode>(detail::DynamicNode{value, ""});
  out.written_ = std::move(value);
  return out;
}

tl::expected<DynamicValue, std::vector<DynamicValueProblem>> DynamicValue::compile(
    const json::value& value, const DynamicCompileOptions& options) {
  detail::Compiler compiler(options);
  auto root = compiler.compile(value, "");
  if (!compiler.problems.empty()) return tl::make_unexpected(std::move(compiler.problems));
  DynamicValue out;
  out.root_ = std::make_shared<const detail::DynamicNode>(std::move(root));
  out.written_ = value;
  return out;
}

const json::value& DynamicValue::written() const noexcept {
  return written_;
}

bool DynamicValue::is_constant() const noexcept {
  return std::holds_alternative<json::value>(root_->content);
}

std::vector<DynamicValue::Part> DynamicValue::parts() const {
  std::vector<Part> out;
  detail::collect_parts(*root_, out);
  return out;
}

tl::expected<json::value, EvaluationError> DynamicValue::evaluate(
    const json::value& data, const DynamicEvaluationOptions& options) const {
  return detail::evaluate(*root_, data, options);
}

}  // namespace ablauf
