#include "ablauf/checklist_score.hpp"

#include "ablauf/answer.hpp"

#include "failure.hpp"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cmath>

namespace ablauf {
namespace json = boost::json;
using detail::error;

namespace {

bool option_scores(const ItemDefinition& item) {
  return std::any_of(item.options.begin(), item.options.end(),
                     [](const ChoiceOption& option) { return option.score.has_value(); });
}

// Whether the item scores at all, and its most points (before its weight).
std::optional<double> most_points(const ItemDefinition& item) {
  if (item.score) return item.max_score;
  if (item.scored && item.kind == ItemKind::checkbox) return 1.0;
  if (item.scored && item.kind == ItemKind::rating && item.min && item.max)
    return *item.max - *item.min;
  if (!option_scores(item)) return std::nullopt;
  double most = 0;
  for (const auto& option : item.options) {
    const double score = option.score.value_or(0);
    most =
        item.kind == ItemKind::multi_choice ? most + std::max(score, 0.0) : std::max(most, score);
  }
  return most;
}

const ChoiceOption* option_of(const ItemDefinition& item, const json::value& value) {
  for (const auto& option : item.options)
    if (value.is_string() && value.get_string() == option.value) return &option;
  return nullptr;
}

// The values of a choice's or multi-choice's answer: one, or each chosen.
std::vector<const json::value*> chosen(const json::value& answer) {
  std::vector<const json::value*> values;
  if (const auto* many = answer.if_array())
    for (const auto& value : *many) values.push_back(&value);
  else
    values.push_back(&answer);
  return values;
}

tl::unexpected<Error> evaluation_failed(const ItemDefinition& item, std::string_view rule,
                                        const std::string& why) {
  return error(ErrorCode::invalid_expression,
               "item '" + item.id + "': its " + std::string(rule) + " failed: " + why);
}

// The item's points for `answer` (before its weight), within 0 and its most.
tl::expected<double, Error> points_of(const ItemDefinition& item, const json::value& answer,
                                      double most, const EvaluationOptions& options) {
  if (item.score) {
    auto value = evaluate(*item.score, json::object{{"answer", answer}}, options);
    if (!value) return evaluation_failed(item, "score", value.error().message);
    if (!value->is_number())
      return evaluation_failed(item, "score",
                               "it gave " + json::serialize(*value) + ", not a number of points");
    return std::clamp(value->to_number<double>(), 0.0, most);
  }
  if (item.kind == ItemKind::checkbox) return answer.is_bool() && answer.get_bool() ? 1.0 : 0.0;
  if (item.kind == ItemKind::rating)
    return answer.is_number() ? std::clamp(answer.to_number<double>() - *item.min, 0.0, most) : 0.0;
  double points = 0;
  for (const auto* value : chosen(answer))
    if (const auto* option = option_of(item, *value)) points += option->score.value_or(0);
  return std::clamp(points, 0.0, most);
}

tl::expected<bool, Error> flagged(const ItemDefinition& item, const json::value& answer,
                                  const EvaluationOptions& options) {
  for (const auto* value : chosen(answer))
    if (const auto* option = option_of(item, *value); option && option->flag) return true;
  if (!item.flag) return false;
  auto holds = evaluate_condition(*item.flag, json::object{{"answer", answer}}, options);
  if (!holds) return evaluation_failed(item, "flag", holds.error().message);
  return *holds;
}

void finish(Points& points) {
  if (points.max_points > 0)
    points.percent = std::round(points.points / points.max_points * 10000.0) / 100.0;
}

json::object to_json(const Points& points, const std::optional<double>& pass_mark, bool passed) {
  json::object out{{"points", points.points}, {"max_points", points.max_points}};
  if (points.percent) out["percent"] = *points.percent;
  if (pass_mark) out["pass_mark"] = *pass_mark;
  out["passed"] = passed;
  return out;
}

}  // namespace

bool scores(const ItemDefinition& item) {
  return most_points(item).has_value();
}

bool can_flag(const ItemDefinition& item) {
  return item.flag || std::any_of(item.options.begin(), item.options.end(),
                                  [](const ChoiceOption& option) { return option.flag; });
}

tl::expected<AnswerVerdict, Error> judge_answer(const ItemDefinition& item,
                                                const json::value& answer,
                                                const EvaluationOptions& options) {
  AnswerVerdict verdict;
  if (answer.is_null() || is_not_applicable(answer)) return verdict;
  auto flag = flagged(item, answer, options);
  if (!flag) return tl::make_unexpected(std::move(flag.error()));
  verdict.flagged = *flag;
  if (const auto most = most_points(item); most && *most > 0) {
    auto points = points_of(item, answer, *most, options);
    if (!points) return tl::make_unexpected(std::move(points.error()));
    verdict.failed = *points <= 0;
  }
  return verdict;
}

bool has_scoring(const ChecklistDefinition& checklist) {
  if (checklist.pass_mark) return true;
  for (const auto& section : checklist.sections) {
    if (section.pass_mark) return true;
    for (const auto& item : section.items)
      if (scores(item) || can_flag(item)) return true;
  }
  return false;
}

tl::expected<ChecklistScore, Error> score_checklist(const ChecklistDefinition& checklist,
                                                    const json::object& answers,
                                                    const json::value& data,
                                                    const EvaluationOptions& options) {
  ChecklistScore score;
  score.pass_mark = checklist.pass_mark;
  for (const auto& section : checklist.sections) {
    SectionScore counted{.id = section.id, .score = {}, .pass_mark = section.pass_mark};
    for (const auto& item : section.items) {
      const auto* answer = answers.if_contains(item.id);
      if (!answer || answer->is_null() || is_not_applicable(*answer)) continue;
      if (item.visible_if) {
        auto visible = evaluate_condition(*item.visible_if, data, options);
        if (!visible) return evaluation_failed(item, "visible_if", visible.error().message);
        if (!*visible) continue;
      }
      auto flag = flagged(item, *answer, options);
      if (!flag) return tl::make_unexpected(std::move(flag.error()));
      if (*flag) score.flags.push_back({item.id, section.id, *answer});
      const auto most = most_points(item);
      if (!most) continue;
      auto points = points_of(item, *answer, *most, options);
      if (!points) return tl::make_unexpected(std::move(points.error()));
      counted.score.points += item.weight * *points;
      counted.score.max_points += item.weight * *most;
    }
    finish(counted.score);
    counted.passed = !counted.pass_mark || !counted.score.percent ||
                     *counted.score.percent >= *counted.pass_mark;
    score.passed = score.passed && counted.passed;
    score.score.points += counted.score.points;
    score.score.max_points += counted.score.max_points;
    score.sections.push_back(std::move(counted));
  }
  finish(score.score);
  if (score.pass_mark && score.score.percent && *score.score.percent < *score.pass_mark)
    score.passed = false;
  return score;
}

json::object to_json(const ChecklistScore& score) {
  auto out = to_json(score.score, score.pass_mark, score.passed);
  json::object sections;
  for (const auto& section : score.sections)
    if (!section.id.empty())
      sections[section.id] = to_json(section.score, section.pass_mark, section.passed);
  out["sections"] = std::move(sections);
  json::array flags;
  for (const auto& flag : score.flags)
    flags.push_back(
        json::object{{"item", flag.item}, {"section", flag.section}, {"answer", flag.answer}});
  out["flags"] = std::move(flags);
  return out;
}

}  // namespace ablauf
