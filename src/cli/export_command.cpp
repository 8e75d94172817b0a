#include "commands.hpp"
#include "load.hpp"

#include <ablauf/printable.hpp>

#include <fstream>
#include <iostream>
#include <map>
#include <memory>

namespace ablauf::cli {
namespace {

enum class ExportFormat { markdown, html, pdf };

struct ExportFlags {
  std::string file;
  ExportFormat format = ExportFormat::markdown;
  std::string language;
  std::string output;
  LimitFlags limits;
};

int run_export(const ExportFlags& flags) {
  std::size_t warnings = 0;
  // Compiled, so that only a definition that would run is printed.
  auto workflow = load_workflow(flags.file, flags.limits.options, warnings);
  if (!workflow) return exit_invalid;
  std::ofstream file;
  if (!flags.output.empty()) {
    file.open(flags.output, std::ios::binary);
    if (!file) {
      std::cerr << flags.output << ": error: cannot write the file\n";
      return exit_usage;
    }
  }
  std::ostream& out = flags.output.empty() ? std::cout : file;
  const ExportOptions options{.language = flags.language};
  if (flags.format == ExportFormat::pdf) {
    auto pdf = to_pdf_form(workflow->definition(), {.language = flags.language});
    if (!pdf) {
      std::cerr << flags.file << ": error: " << pdf.error().message << '\n';
      return exit_usage;
    }
    out << *pdf;
  } else if (flags.format == ExportFormat::html)
    write_html_form(out, workflow->definition(), options);
  else
    write_markdown_form(out, workflow->definition(), options);
  return out.flush() ? exit_ok : exit_usage;
}

}  // namespace

void add_export_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<ExportFlags>();
  auto* command = app.add_subcommand(
      "export",
      "Write a definition's checklists as a form to print and fill in by hand: a checklist's "
      "sections, or each fill_checklist step of a workflow.");
  command->add_option("file", flags->file, "Definition file (.json)")
      ->required()
      ->check(CLI::ExistingFile);
  const std::map<std::string, ExportFormat> formats{
      {"md", ExportFormat::markdown}, {"html", ExportFormat::html}, {"pdf", ExportFormat::pdf}};
  command
      ->add_option("-f,--format", flags->format,
                   "Output format: md (Markdown), html (one page, with a print stylesheet) or "
                   "pdf (A4, fonts embedded)")
      ->transform(CLI::CheckedTransformer(formats, CLI::ignore_case))
      ->default_str("md");
  command->add_option("--lang", flags->language,
                      "Language of the form (e.g. de, en); default: the definition's");
  command->add_option("-o,--output", flags->output, "Write to this file instead of stdout");
  flags->limits.add_to(*command);
  command->callback([flags, &run] { run = [flags] { return run_export(*flags); }; });
}

}  // namespace ablauf::cli
