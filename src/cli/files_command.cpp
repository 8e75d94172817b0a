// `ablauf files`: the files and photos answered on checklists, kept beside the store: `sweep`
// removes the orphans no answer refers to. `instances verify` checks the files answered.
#include "commands.hpp"
#include "store.hpp"

#include "message_text.hpp"

#include <ablauf/duration.hpp>
#include <ablauf/file_answers.hpp>

#include <iostream>
#include <memory>

namespace ablauf::cli {
namespace {

struct FilesFlags {
  StoreFlag store;
  std::string older_than = "P1D";
};

int sweep(const FilesFlags& flags) {
  auto store = open_store(flags.store.path);
  if (!store) return exit_usage;
  BlobStore* files = store->blob_store();
  if (!files) {
    std::cerr << "error: the store " << flags.store.path << " keeps no files\n";
    return exit_usage;
  }
  const auto age = parse_duration(flags.older_than)->exact();  // checked when parsed
  auto swept = sweep_files(*store, *files, SystemClock{}.now() - age);
  if (!swept) {
    std::cerr << "error: " << swept.error().message << '\n';
    return exit_invalid;
  }
  std::cout << "removed " << swept->removed << " orphaned file" << (swept->removed == 1 ? "" : "s")
            << " (" << detail::size_text(swept->removed_bytes, false) << "); kept "
            << swept->referenced << " answered with, and " << swept->too_young << " younger than "
            << flags.older_than << '\n';
  return exit_ok;
}

}  // namespace

void add_files_command(CLI::App& app, std::function<int()>& run) {
  auto flags = std::make_shared<FilesFlags>();
  auto* command = app.add_subcommand(
      "files", "The files and photos answered on checklists, kept beside the store.");
  command->require_subcommand(1);
  auto* sweep_command = command->add_subcommand(
      "sweep",
      "Remove the files no answer refers to: uploads never answered with, and those of a process "
      "that died between keeping a file and recording its answer. A file an answer refers to is "
      "never removed. Reads every instance's history.");
  flags->store.add_to(*sweep_command);
  sweep_command
      ->add_option("--older-than", flags->older_than,
                   "Leave orphans younger than this, as an ISO 8601 duration in days and time: "
                   "an upload may still be answered with")
      ->capture_default_str()
      ->check([](const std::string& text) -> std::string {
        const auto parsed = parse_duration(text);
        if (!parsed) return "'" + text + "' is not a duration: " + parsed.error().message;
        if (parsed->is_calendar()) return "give the age in days and time (P1D), not months";
        if (parsed->exact().count() < 0) return "the age cannot be negative";
        return {};
      });
  sweep_command->callback([flags, &run] { run = [flags] { return sweep(*flags); }; });
}

}  // namespace ablauf::cli
