// A printable form (internal): what a definition's checklists look like on paper, in one
// language, before any format writes it. Each format (Markdown, and later HTML and PDF) lays
// out the same form.
#pragma once

#include "ablauf/definition.hpp"
#include "ablauf/event.hpp"
#include "ablauf/printable.hpp"

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

namespace ablauf::print {

// What an instance recorded for an item: the value as text (for a signature, the SHA-256 of
// the answers it signs), who and when.
struct Entry {
  std::string value;
  std::string actor;
  std::string time;             // RFC 3339
  bool ticked = false;          // a checkbox answered yes
  bool not_applicable = false;  // answered "not applicable"
};

// Whether an item of `kind` is answered on a line of its own; a checkbox, choices, a rating and
// a signature are ticked or signed instead, so "not applicable" needs words of its own there.
inline bool has_line(ItemKind kind) {
  return kind != ItemKind::checkbox && kind != ItemKind::choice && kind != ItemKind::multi_choice &&
         kind != ItemKind::rating && kind != ItemKind::signature && kind != ItemKind::group;
}

// How many empty rows a blank form gives a repeating group to fill by hand.
inline constexpr std::uint32_t blank_rows = 3;

// A file answered for a file or photo item, as a filled form lists it.
struct PrintedFile {
  std::string name;
  std::string details;  // "application/pdf, 182 KB"
  std::string sha256;
  std::string media_type;
  // A JPEG or PNG photo's content, to show it, when FormOptions::files keeps it; else "".
  std::string image;
};

struct FormItem {
  std::string label;
  std::string description;
  ItemKind kind = ItemKind::checkbox;
  bool required = true;
  bool conditional = false;          // shown only when its visible_if holds
  bool not_applicable = false;       // may be answered "not applicable": a box for it on paper
  std::vector<std::string> options;  // choice and multi_choice: the option labels
  std::string unit;                  // number
  std::string range;                 // number: e.g. "0–100", "≥ 0"; "" when open
  std::optional<Entry> entry;        // filled in: the last answer or signature recorded
  std::vector<bool> chosen;          // filled in: for each option, whether it was chosen
  std::string accepted;              // file and photo: the media types taken, "" for any
  std::vector<PrintedFile> files;    // filled in: the files answered, in their order
  // group: its items' labels (with a unit, "Preis (EUR)"), and its rows: each row's answers as
  // text, a cell per item ("" where unanswered); on a blank form, rows of empty cells to fill.
  std::vector<std::string> columns;
  std::vector<std::vector<std::string>> rows;
  // Filled in: the corrective actions its answers raised, a line each: "Korrekturmaßnahme
  // „Kunden anrufen“: collections, fällig 2026-11-26, Priorität hoch — erledigt (anna)".
  std::vector<std::string> actions;
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
  // Filled in, for a checklist that scores: "Ergebnis: 42,86 % (nicht bestanden) · Sicherheit
  // 50 % · Zustand 40 %", and its flagged answers, "Feuerlöscher: abgelaufen"; else empty.
  std::string result;
  std::vector<std::string> flagged;
  // Filled in: the corrective actions its rules raised (ActionRule), a line each, as an item's.
  std::vector<std::string> actions;
};

// The fixed words of a form, in its language (German or English).
struct FormWords {
  std::string required;     // the legend of the required mark
  std::string conditional;  // marks an item that applies only sometimes
  std::string tick_one, tick_any;
  std::string sign_off, name, date, signature;
  std::string date_format;  // how a date is written by hand
  std::string yes, no;
  std::string not_applicable;                      // the answer, and the box that gives it on paper
  std::string time_format;                         // how a time of day is written by hand
  std::string datetime_format;                     // how a date, time and zone are written by hand
  std::string latitude, longitude, accuracy;       // the parts of a place
  std::string files_attached;                      // a blank for file items: how many are attached
  std::string score, passed, not_passed, flagged;  // a scoring checklist's result
  // A corrective action: its heading, due date and priority, and where it stands.
  std::string action, due, priority, open_quote, close_quote;
  std::array<std::string, 4> priorities;  // low, normal, high, urgent
  std::string open, in_progress, done, awaiting_verification, verified;
  std::string instance, signed_hash;         // headings of a filled form
  std::string document_number, started, by;  // the header's fields
  FormatLocale locale;  // how numbers, dates and times are written: the form's language
};

// A field of the header every form prints: "Dokumentnummer: ACC-2026-00042". An empty value
// is a line to write on (a blank form's document number).
struct HeaderField {
  std::string label;
  std::string value;
};

struct Form {
  std::string instance;  // filled in: the instance whose answers it shows; "" for a blank form
  // Its document number, the instance and who started it when; a blank form of a definition
  // that numbers its instances has a line for the number.
  std::vector<HeaderField> header;
  std::string language;
  std::string title;
  std::string description;
  std::vector<FormPart> parts;
  FormWords words;
};

// The form of `definition` in the options' language; filled in with the answers and
// signatures of the options' history when it is not empty.
Form build_form(const WorkflowDefinition& definition, const FormOptions& options);

}  // namespace ablauf::print
