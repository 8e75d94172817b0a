#include "definition/definition_reader.hpp"

#include "definition/expression_reader.hpp"
#include "value_text.hpp"

#include "identifier.hpp"
#include "suggest.hpp"

#include "ablauf/json.hpp"
#include "ablauf/locale_format.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>

namespace ablauf::detail {
namespace {

Diagnostics one_error(ErrorCode code, std::string message, SourceLocation location) {
  Diagnostics diagnostics;
  diagnostics.add(Severity::error, code, std::move(message), "", std::move(location));
  return diagnostics;
}

}  // namespace

tl::expected<ParsedDocument, Diagnostics> parse_document(std::string text, std::string name,
                                                         const LoadOptions& options) {
  // Not from the document: the options themselves are wrong.
  if (auto message = check_load_options(options); !message.empty())
    return tl::make_unexpected(
        one_error(ErrorCode::invalid_value, std::move(message), {std::move(name), 0, 0}));
  auto source = std::make_shared<const Source>(std::move(name), std::move(text));
  auto parsed = parse_json(*source, options.json);
  if (!parsed) {
    Diagnostics diagnostics;
    diagnostics.add(std::move(parsed.error()));
    return tl::make_unexpected(std::move(diagnostics));
  }
  return ParsedDocument{std::move(source), std::move(*parsed)};
}

tl::expected<std::string, Diagnostics> read_document(const std::filesystem::path& path,
                                                     const LoadOptions& options) {
  if (auto message = check_load_options(options); !message.empty())
    return tl::make_unexpected(
        one_error(ErrorCode::invalid_value, std::move(message), {path.string(), 0, 0}));
  std::ifstream in(path, std::ios::binary);
  std::error_code ec;
  const auto size = std::filesystem::file_size(path, ec);
  if (!in || ec)
    return tl::make_unexpected(
        one_error(ErrorCode::io_error,
                  "cannot read the file: " + (ec ? ec.message() : std::string("cannot open it")),
                  {path.string(), 0, 0}));
  if (size > options.json.max_document_bytes)
    return tl::make_unexpected(
        one_error(ErrorCode::document_too_large,
                  "document is " + std::to_string(size) + " bytes, more than the limit of " +
                      std::to_string(options.json.max_document_bytes) + " (max_document_bytes)",
                  {path.string(), 1, 1}));
  std::ostringstream text;
  text << in.rdbuf();
  return std::move(text).str();
}

DefinitionReader::DefinitionReader(std::shared_ptr<const Source> source, const LoadOptions& options)
    : source_(std::move(source)), options_(options) {}

void DefinitionReader::keep(Diagnostic diagnostic, Anchor anchor) {
  if (diagnostic.severity == Severity::error) has_errors_ = true;
  Pending pending{std::move(diagnostic), 0, found_++};
  pending.offset = source_->offset_of(pending.diagnostic.pointer, anchor);
  if (!pending.diagnostic.location.known())
    pending.diagnostic.location = source_->location_at(pending.offset);
  if (pending_.size() < options_.max_errors) {
    pending_.push_back(std::move(pending));
    std::push_heap(pending_.begin(), pending_.end());
    return;
  }
  // Full: whichever of the kept findings and this one comes last in the document drops out.
  if (!(pending < pending_.front())) {
    omitted_.omit(pending.diagnostic.severity);
    return;
  }
  std::pop_heap(pending_.begin(), pending_.end());
  omitted_.omit(pending_.back().diagnostic.severity);
  pending_.back() = std::move(pending);
  std::push_heap(pending_.begin(), pending_.end());
}

bool DefinitionReader::would_keep(std::string_view pointer, Anchor anchor) const {
  if (pending_.size() < options_.max_errors) return true;
  // At the same offset as the last kept, a later finding drops out: it was found later.
  return source_->offset_of(pointer, anchor) < pending_.front().offset;
}

void DefinitionReader::omit(Severity severity) {
  if (severity == Severity::error) has_errors_ = true;
  omitted_.omit(severity);
  ++found_;
}

void DefinitionReader::error(ErrorCode code, std::string pointer, std::string message,
                             Anchor anchor) {
  Diagnostic d;
  d.code = code;
  d.message = std::move(message);
  d.pointer = std::move(pointer);
  keep(std::move(d), anchor);
}

void DefinitionReader::error_in_string(ErrorCode code, std::string pointer, std::size_t offset,
                                       std::string message) {
  report_in_string(Severity::error, code, std::move(pointer), offset, std::move(message));
}

void DefinitionReader::report_in_string(Severity severity, ErrorCode code, std::string pointer,
                                        std::size_t offset, std::string message) {
  Diagnostic d;
  d.severity = severity;
  d.code = code;
  d.message = std::move(message);
  d.location = source_->locate_in_string(pointer, offset);
  d.pointer = std::move(pointer);
  keep(std::move(d), Anchor::value);
}

void DefinitionReader::warning(ErrorCode code, std::string pointer, std::string message,
                               Anchor anchor) {
  Diagnostic d;
  d.severity = Severity::warning;
  d.code = code;
  d.message = std::move(message);
  d.pointer = std::move(pointer);
  keep(std::move(d), anchor);
}

std::string DefinitionReader::line_of(std::string_view pointer) const {
  return "line " + std::to_string(source_->locate(pointer).line);
}

Diagnostics DefinitionReader::take_diagnostics() {
  std::sort_heap(pending_.begin(), pending_.end());
  Diagnostics out;
  for (auto& pending : pending_) out.add(std::move(pending.diagnostic));
  out.append(omitted_);
  pending_.clear();
  omitted_ = {};
  return out;
}

std::string member_pointer(std::string_view parent, std::string_view name) {
  std::string out(parent);
  out += '/';
  out += escape_pointer_token(name);
  return out;
}

std::string element_pointer(std::string_view parent, std::size_t index) {
  std::string out(parent);
  out += '/';
  out += std::to_string(index);
  return out;
}

Fields::Fields(DefinitionReader& reader, const boost::json::object& object, std::string pointer,
               std::vector<std::string_view> allowed, std::string_view what)
    : reader_(reader),
      object_(object),
      pointer_(std::move(pointer)),
      allowed_(std::move(allowed)),
      what_(what) {}

const boost::json::value* Fields::value(std::string_view name, Requirement requirement) {
  const auto* found = object_.if_contains(name);
  if (!found && requirement == required) {
    reader_.error(ErrorCode::missing_field, pointer_,
                  std::string(what_) + " needs the field '" + std::string(name) + "'");
  }
  return found;
}

void Fields::wrong_type(std::string_view name, std::string_view expected) const {
  const auto& found = object_.at(name);
  reader_.error(ErrorCode::wrong_type, pointer_of(name),
                "'" + std::string(name) + "' must be " + std::string(expected) + ", not " +
                    std::string(describe(found)));
}

std::optional<std::string> Fields::string(std::string_view name, Requirement requirement) {
  const auto* v = value(name, requirement);
  if (!v) return std::nullopt;
  if (!v->is_string()) {
    wrong_type(name, "a string");
    return std::nullopt;
  }
  return std::string(v->get_string());
}

std::optional<std::string> Fields::identifier(std::string_view name, Requirement requirement) {
  const auto* v = value(name, requirement);
  if (!v) return std::nullopt;
  return read_identifier(reader_, *v, pointer_of(name), name);
}

std::optional<Expression> Fields::expression(std::string_view name, Requirement requirement) {
  const auto* v = value(name, requirement);
  if (!v) return std::nullopt;
  return read_expression(reader_, *v, pointer_of(name), name);
}

std::optional<LocalizedText> Fields::text(std::string_view name, Requirement requirement) {
  const auto* v = value(name, requirement);
  if (!v) return std::nullopt;
  return read_text(reader_, *v, pointer_of(name), name);
}

std::optional<bool> Fields::boolean(std::string_view name, Requirement requirement) {
  const auto* v = value(name, requirement);
  if (!v) return std::nullopt;
  if (!v->is_bool()) {
    wrong_type(name, "true or false");
    return std::nullopt;
  }
  return v->get_bool();
}

std::optional<double> Fields::number(std::string_view name, Requirement requirement) {
  const auto* v = value(name, requirement);
  if (!v) return std::nullopt;
  if (!v->is_number()) {
    wrong_type(name, "a number");
    return std::nullopt;
  }
  return v->to_number<double>();
}

std::optional<std::int64_t> Fields::integer(std::string_view name, std::int64_t min,
                                            std::int64_t max, Requirement requirement) {
  const auto* v = value(name, requirement);
  if (!v) return std::nullopt;
  std::optional<std::int64_t> result;
  if (v->is_int64()) {
    result = v->get_int64();
  } else if (v->is_uint64()) {
    result = v->get_uint64() > static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())
                 ? std::numeric_limits<std::int64_t>::max()
                 : static_cast<std::int64_t>(v->get_uint64());
  } else if (v->is_double() && std::trunc(v->get_double()) == v->get_double() &&
             std::abs(v->get_double()) < 9e18) {
    result = static_cast<std::int64_t>(v->get_double());
  } else {
    wrong_type(name, "a whole number");
    return std::nullopt;
  }
  if (*result < min || *result > max) {
    reader_.error(ErrorCode::invalid_value, pointer_of(name),
                  "'" + std::string(name) + "' must be between " + std::to_string(min) + " and " +
                      std::to_string(max) + ", not " + std::to_string(*result));
    return std::nullopt;
  }
  return result;
}

std::optional<Duration> Fields::duration(std::string_view name, Requirement requirement) {
  const auto* v = value(name, requirement);
  if (!v) return std::nullopt;
  return read_duration(reader_, *v, pointer_of(name));
}

std::optional<std::string> Fields::time_zone(std::string_view name) {
  auto zone = string(name);
  if (!zone) return std::nullopt;
  if (!zone->empty() && is_known_time_zone(*zone)) return zone;
  reader_.error(ErrorCode::invalid_value, pointer_of(name),
                "'" + *zone +
                    "' is not a time zone; write an IANA name such as \"Europe/Berlin\" "
                    "or \"UTC\"");
  return std::nullopt;
}

const boost::json::array* Fields::array(std::string_view name, Requirement requirement) {
  const auto* v = value(name, requirement);
  if (!v) return nullptr;
  if (!v->is_array()) {
    wrong_type(name, "an array");
    return nullptr;
  }
  return &v->get_array();
}

const boost::json::object* Fields::object(std::string_view name, Requirement requirement) {
  const auto* v = value(name, requirement);
  if (!v) return nullptr;
  if (!v->is_object()) {
    wrong_type(name, "an object");
    return nullptr;
  }
  return &v->get_object();
}

void Fields::check_unknown() const {
  for (const auto& member : object_) {
    const std::string_view key = member.key();
    if (std::find(allowed_.begin(), allowed_.end(), key) != allowed_.end()) continue;
    if (!reader_.would_keep(pointer_of(key), Anchor::key)) {  // spare the suggestion
      reader_.omit(Severity::error);
      continue;
    }
    std::string message = "unknown field '" + std::string(key) + "' in " + std::string(what_) +
                          did_you_mean_or_list(key, allowed_, "allowed");
    reader_.error(ErrorCode::unknown_field, pointer_of(key), std::move(message), Anchor::key);
  }
}

std::optional<LocalizedText> read_text(DefinitionReader& reader, const boost::json::value& value,
                                       const std::string& pointer, std::string_view name) {
  if (value.is_string()) return LocalizedText(std::string(value.get_string()));
  const std::string expected =
      "'" + std::string(name) +
      "' must be a string or an object of language codes, like {\"de\": \"…\", \"en\": \"…\"}";
  if (!value.is_object()) {
    reader.error(ErrorCode::wrong_type, pointer,
                 expected + ", not " + std::string(describe(value)));
    return std::nullopt;
  }
  const auto& object = value.get_object();
  if (object.empty()) {
    reader.error(ErrorCode::invalid_value, pointer,
                 "'" + std::string(name) + "' has no text in any language");
    return std::nullopt;
  }
  LocalizedText text;
  bool ok = true;
  for (const auto& member : object) {
    const std::string member_ptr = member_pointer(pointer, member.key());
    if (!is_language_code(member.key())) {
      reader.error(ErrorCode::invalid_value, member_ptr,
                   "'" + std::string(member.key()) +
                       "' is not a language code; write codes like \"de\", \"en\" or \"de-CH\"",
                   Anchor::key);
      ok = false;
    } else if (!member.value().is_string()) {
      reader.error(ErrorCode::wrong_type, member_ptr,
                   "the " + std::string(member.key()) + " text must be a string, not " +
                       std::string(describe(member.value())));
      ok = false;
    } else {
      text.add(std::string(member.key()), std::string(member.value().get_string()));
    }
  }
  if (!ok) return std::nullopt;
  return text;
}

std::optional<std::string> read_identifier(DefinitionReader& reader,
                                           const boost::json::value& value,
                                           const std::string& pointer, std::string_view name) {
  if (!value.is_string()) {
    reader.error(
        ErrorCode::wrong_type, pointer,
        "'" + std::string(name) + "' must be a string, not " + std::string(describe(value)));
    return std::nullopt;
  }
  const std::string_view id = value.get_string();
  if (!is_identifier(id)) {
    reader.error(ErrorCode::invalid_identifier, pointer,
                 "'" + std::string(id) +
                     "' is not an identifier: use letters, digits and '_', not starting with a "
                     "digit, so that expressions can refer to it");
    return std::nullopt;
  }
  if (id.size() > reader.options().max_identifier_length) {
    reader.error(
        ErrorCode::invalid_identifier, pointer,
        "identifier is " + std::to_string(id.size()) + " characters long, more than the limit of " +
            std::to_string(reader.options().max_identifier_length) + " (max_identifier_length)");
    return std::nullopt;
  }
  return std::string(id);
}

std::optional<Duration> read_duration(DefinitionReader& reader, const boost::json::value& value,
                                      const std::string& pointer) {
  auto parsed = parse_duration(value);
  if (parsed) {
    const auto horizon = reader.options().max_timer_horizon;
    if (parsed->longest() <= horizon) return *parsed;
    reader.error(ErrorCode::timer_too_far, pointer,
                 "the duration " + to_string(*parsed) + " lasts longer than the limit of " +
                     to_string(days_and_time(horizon)) + " (max_timer_horizon)");
    return std::nullopt;
  }
  const DurationError& e = parsed.error();
  std::string message = value.is_string() ? "'" + std::string(value.get_string()) +
                                                "' is not a duration: " + e.message
                                          : e.message;
  if (value.is_string())
    reader.error_in_string(ErrorCode::invalid_duration, pointer, e.offset, std::move(message));
  else
    reader.error(ErrorCode::invalid_duration, pointer, std::move(message));
  return std::nullopt;
}

std::optional<DataSchema> read_data_schema(DefinitionReader& reader,
                                           const boost::json::value& value,
                                           const std::string& pointer) {
  auto schema = DataSchema::read(value, pointer);
  if (schema) return std::move(*schema);
  for (auto& problem : schema.error())
    reader.error(problem.code, std::move(problem.pointer), std::move(problem.message),
                 problem.code == ErrorCode::unknown_field ? Anchor::key : Anchor::value);
  return std::nullopt;
}

}  // namespace ablauf::detail
