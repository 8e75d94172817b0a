#include "commands.hpp"
#include "load.hpp"
#include "output.hpp"
#include "store.hpp"

#include <ablauf/printable.hpp>

#include <fstream>
#include <iostream>
#include <memory>

namespace ablauf::cli {
namespace {

enum class ExportFormat { markdown, html, pdf };

struct ExportFlags {
  std::string file;
  std::string instance;
  StoreFlag store;
  ExportFormat format = ExportFormat::markdown;
  std::string language;
  std::string output;
  LimitFlags limits;
};

// The definition an instance of the store runs, as the store keeps it, and its history; prints
// why not and returns nothing.
struct Filled {
  WorkflowDefinition definition;
  std::vector<Event> history;
  std::unique_ptr<Store> store;  // open while the form is written: it reads the files
};

// The instance and its kept definition, or the exit status that says why not.
tl::expected<Filled, int> read_filled(const ExportFlags& flags) {
  auto store = open_store(flags.store.path, true);
  if (!store) return tl::make_unexpected(exit_usage);
  auto instance = read_instance(*store, flags.instance);
  if (!instance) {
    std::cerr << "error: " << instance.error().message << '\n';
    return tl::make_unexpected(exit_usage);
  }
  const auto& state = instance->state;
  auto definition = kept_definition(*store, state.workflow_id, state.version, flags.limits.options);
  if (!definition) return tl::make_unexpected(definition.error());
  return Filled{std::move(*definition), std::move(instance->history), std::move(store)};
}

int run_export(const ExportFlags& flags) {
  std::optional<WorkflowDefinition> definition;
  std::optional<Filled> filled;
  if (!flags.instance.empty()) {
    auto read = read_filled(flags);
    if (!read) return read.error();
    filled = std::move(*read);
  } else {
    // Compiled, so that only a definition that would run is printed.
    std::size_t warnings = 0;
    auto workflow = load_workflow(flags.file, flags.limits.options, warnings);
    if (!workflow) return exit_invalid;
    definition = workflow->definition();
  }
  const WorkflowDefinition& printed = filled ? filled->definition : *definition;
  warn_if_untranslated(printed, flags.language);
  std::ofstream file;
  auto* opened = open_output(flags.output, file);
  if (!opened) return exit_usage;
  std::ostream& out = *opened;
  FormOptions options{.language = flags.language, .instance = {}, .history = {}};
  if (filled) {
    options.instance = flags.instance;
    options.history = filled->history;
    options.files = filled->store->blob_store();  // photos are shown in HTML and PDF
  }
  if (flags.format == ExportFormat::pdf) {
    auto pdf = to_pdf_form(printed, {.form = options});
    if (!pdf) {
      std::cerr << "error: " << pdf.error().message << '\n';
      return exit_usage;
    }
    out << *pdf;
  } else if (flags.format == ExportFormat::html) {
    write_html_form(out, printed, options);
  } else {
    write_markdown_form(out, printed, options);
  }
  return out.flush() ? exit_ok : exit_usage;
}

}  // namespace

void add_export_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<ExportFlags>();
  auto* command = app.add_subcommand(
      "export",
      "Write a definition's checklists as a form to print and fill in by hand: a checklist's "
      "sections, or each fill_checklist step of a workflow.");
  auto* file =
      command->add_option("file", flags->file, "Definition file (.json)")->check(CLI::ExistingFile);
  auto* instance = command->add_option(
      "--instance", flags->instance,
      "Print this instance's checklists filled in, with who answered and signed when, from the "
      "store (its definition as the store keeps it)");
  file->excludes(instance);
  flags->store.add_to(*command);
  add_choice(
      *command, "-f,--format", flags->format,
      {{"md", ExportFormat::markdown}, {"html", ExportFormat::html}, {"pdf", ExportFormat::pdf}},
      "Output format: md (Markdown, the default), html (one page, with a print stylesheet) "
      "or pdf (A4, fonts embedded)");
  command->add_option("--lang", flags->language,
                      "Language of the form (e.g. de, en); default: the definition's");
  command->add_option("-o,--output", flags->output, "Write to this file instead of stdout");
  flags->limits.add_to(*command);
  command->callback([flags, file, instance, &run] {
    if (file->count() + instance->count() == 0)
      throw CLI::RequiredError("a definition FILE or --instance ID");
    run = [flags] { return flags->limits.load_step_types() ? run_export(*flags) : exit_invalid; };
  });
}

}  // namespace ablauf::cli
