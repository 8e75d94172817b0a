/// @file
/// Scoring a checklist, as inspection forms are scored: points per answer, weights, a
/// percentage per section and overall, pass marks, and flagged answers (docs/format.md,
/// "Scores and flags").
///
/// An item scores when it says how: a choice's or multi-choice's options with a `score`, a
/// checkbox or rating with `scored`, any item with a `score` expression over its `answer` and a
/// `max_score`. Its points and its most points are both multiplied by its `weight`. An item not
/// answered, answered "not applicable", or hidden by its `visible_if` is left out: neither its
/// points nor its most points count. A section's percentage is its points over its most points;
/// the checklist's, all its items' together. A section below its `pass_mark` fails, and so does
/// the checklist; so does a checklist below its own `pass_mark`.
///
/// The engine scores a fill_checklist step when it completes and keeps the score with the
/// step: `steps.ID.score` in the instance's data, which `when` and `assign` read
/// (`steps.inspection.score.passed`), and which timelines, forms and key figures show.
///
/// Thread-safety: pure functions.
#pragma once

#include <ablauf/definition.hpp>
#include <ablauf/error.hpp>
#include <ablauf/expression.hpp>

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <tl/expected.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ablauf {

/// Points against the most points, and what they make.
struct Points {
  double points = 0;      ///< weighted points of the items counted
  double max_points = 0;  ///< weighted most points of the same items
  /// 100 × points / max_points, rounded to two decimals; none when nothing counted.
  std::optional<double> percent;
};

/// A section's score.
struct SectionScore {
  std::string id;                   ///< the section's id; "" for a step's untitled section
  Points score;                     ///< its items'
  std::optional<double> pass_mark;  ///< the section's, if it has one
  bool passed = true;               ///< false when its percentage is below its pass mark
};

/// An answer that needs attention: an option with `flag`, or an item whose `flag` held.
struct FlaggedAnswer {
  std::string item;           ///< the item's id
  std::string section;        ///< its section's id
  boost::json::value answer;  ///< as recorded
};

/// A checklist's score.
struct ChecklistScore {
  Points score;                        ///< all its items'
  std::optional<double> pass_mark;     ///< the checklist's, if it has one
  bool passed = true;                  ///< false below its pass mark, or with a section failed
  std::vector<SectionScore> sections;  ///< in the order of the checklist
  std::vector<FlaggedAnswer> flags;    ///< in the order of the items
};

/// Whether `item` scores: options with a `score`, `scored`, or a `score` expression.
bool scores(const ItemDefinition& item);
/// Whether an answer to `item` can be flagged: an option with `flag`, or a `flag` rule.
bool can_flag(const ItemDefinition& item);

/// What one answer makes of its item, before weights: whether it fails (scores no points where
/// it could score some) and whether it is flagged; what raises the item's corrective actions.
struct AnswerVerdict {
  bool failed = false;   ///< it scores 0 of a most above 0
  bool flagged = false;  ///< an option with `flag` chosen, or the item's `flag` held
};

/// The verdict on `answer` to `item`: an unanswered item and "not applicable" neither fail nor
/// flag. Fails as score_checklist() does when the item's `score` or `flag` cannot be evaluated.
tl::expected<AnswerVerdict, Error> judge_answer(const ItemDefinition& item,
                                                const boost::json::value& answer,
                                                const EvaluationOptions& options = {});

/// Whether `checklist` scores or flags anything: an item that scores, an option with a score
/// or a flag, a `flag` rule, or a pass mark. The engine keeps no score for one that does not.
bool has_scoring(const ChecklistDefinition& checklist);

/// The score of `checklist` over `answers` (item id → answer, as check_answer() returned them).
/// `data` is the instance's data, for the items' `visible_if`. Fails when an item's `score`,
/// `flag` or `visible_if` cannot be evaluated, naming the item; a `score` that is not a number is
/// such a failure.
tl::expected<ChecklistScore, Error> score_checklist(const ChecklistDefinition& checklist,
                                                    const boost::json::object& answers,
                                                    const boost::json::value& data,
                                                    const EvaluationOptions& options = {});

/// As the engine keeps it at `steps.ID.score`: {"points", "max_points", "percent"?,
/// "pass_mark"?, "passed", "sections": {id: {"points", "max_points", "percent"?,
/// "pass_mark"?, "passed"}}, "flags": [{"item", "section", "answer"}]}. The untitled section of a
/// step that lists its items directly is not listed.
boost::json::object to_json(const ChecklistScore& score);

}  // namespace ablauf
