// A printable form (internal): what a definition's checklists look like on paper, in one
// language, before any format writes it. Each format (Markdown, and later HTML and PDF) lays
// out the same form.
#pragma once

#include "ablauf/definition.hpp"

#include <optional>
#include <string>
#include <vector>

namespace ablauf::print {

struct FormItem {
  std::string label;
  std::string description;
  ItemKind kind = ItemKind::checkbox;
  bool required = true;
  bool conditional = false;          // shown only when its visible_if holds
  std::vector<std::string> options;  // choice and multi_choice: the option labels
  std::string unit;                  // number
  std::string range;                 // number: e.g. "0–100", "≥ 0"; "" when open
};

struct FormSection {
  std::string title;  // "" when it repeats its part's title or there is none
  std::string description;
  std::vector<FormItem> items;
};

// A checklist step (of a workflow), or a section's step (of a checklist definition).
struct FormPart {
  std::string title;
  std::string description;
  std::vector<FormSection> sections;
};

// The fixed words of a form, in its language (German or English).
struct FormWords {
  std::string required;     // the legend of the required mark
  std::string conditional;  // marks an item that applies only sometimes
  std::string tick_one, tick_any;
  std::string sign_off, name, date, signature;
  std::string date_format;  // how a date is written by hand
};

struct Form {
  std::string language;
  std::string title;
  std::string description;
  std::vector<FormPart> parts;
  FormWords words;
};

// The form of `definition` in `language` ("" picks its default language).
Form build_form(const WorkflowDefinition& definition, const std::string& language);

}  // namespace ablauf::print
