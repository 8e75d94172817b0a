/// @file
/// An instance's history as people read it: one entry per event, with its time, who caused it
/// and what changed, told in sentences that use the definition's titles and labels in one
/// language (German or English). For an audit trail on screen, in a terminal or on paper.
///
/// Thread-safety: plain functions of their arguments.
#pragma once

#include <ablauf/clock.hpp>
#include <ablauf/definition.hpp>
#include <ablauf/event.hpp>

#include <boost/json/value.hpp>

#include <cstdint>
#include <iosfwd>
#include <span>
#include <string>
#include <vector>

namespace ablauf {

/// One value an event set: an answer, a field of the input or of a signal's payload, a step's
/// output, a variable. Both as people read them: `name` is a label or a dotted path, `value`
/// is text (options by their labels, yes/no, numbers without exponents).
struct TimelineChange {
  std::string name;   ///< a label, or a dotted path such as `customer.id`
  std::string value;  ///< as text, the way people read it

  /// Compares every field.
  friend bool operator==(const TimelineChange&, const TimelineChange&) = default;
};

/// What one event says.
struct TimelineEntry {
  std::uint64_t sequence = 0;                    ///< the event's sequence number
  EventType type = EventType::instance_started;  ///< what kind of event it is
  Time time{};                                   ///< when, by the engine's Clock
  std::string actor;                             ///< a person's id, or "system"
  std::string step;                              ///< the step's id; "" for the instance as a whole
  /// What happened, in one sentence: `Answered “Zählerstand”: 18342.7 kWh`.
  std::string text;
  /// What it changed, beyond what the sentence says.
  std::vector<TimelineChange> changes;
};

/// How read_timeline() tells the history.
struct TimelineOptions {
  /// "de" or "en" for the sentences; titles and labels in this language where the definition
  /// has it. "" picks the definition's default language.
  std::string language;
};

/// The entries of `history`, an instance's events in order, read against the definition it
/// runs. Steps, items and options the definition does not know (an instance of another
/// version, or an empty definition) are named by their ids.
std::vector<TimelineEntry> read_timeline(const WorkflowDefinition& definition,
                                         std::span<const Event> history,
                                         const TimelineOptions& options = {});

/// {"seq", "time", "actor", "type", "step"?, "text", "changes"?: [{"name", "value"}]}.
boost::json::value to_json(const TimelineEntry& entry);

/// One entry per line: time, actor and sentence, with each change indented below it.
void write_text_timeline(std::ostream& out, std::span<const TimelineEntry> entries);

/// One self-contained HTML page: a heading, then a table of the entries. Inline CSS, no
/// scripts, every text escaped.
void write_html_timeline(std::ostream& out, std::string_view heading,
                         std::span<const TimelineEntry> entries, std::string_view language = "en");

}  // namespace ablauf
