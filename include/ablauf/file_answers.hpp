/// @file
/// The files an instance's answers refer to, read from its history: what `ablauf instances
/// verify` checks against a BlobStore and what a sweep keeps. Engine::verify_files() and
/// Engine::sweep_files() call these with the engine's store; a tool that opens a store alone
/// calls them directly.
///
/// Thread-safety: the functions read what they are given; the store and BlobStore must allow
/// concurrent use, as every store does.
#pragma once

#include <ablauf/blob_store.hpp>
#include <ablauf/event.hpp>
#include <ablauf/event_log.hpp>
#include <ablauf/file_reference.hpp>

#include <span>
#include <string>
#include <vector>

namespace ablauf {

/// A file an answer referred to, or a mail carried, and where.
struct AnsweredFile {
  FileReference file;  ///< as the answer or the mail named it
  std::string step;    ///< the checklist step answered, or the send_email step
  std::string item;    ///< the item answered; "" for a mail's attachment
};

/// Every file the answer_recorded events of `history` refer to, in the order answered, also
/// those a later answer replaced: the history still shows them.
std::vector<AnsweredFile> answered_files(std::span<const Event> history);

/// Every file the mails of `history` carry: the attachments its send_email steps' outputs name
/// (step_completed), in the order sent.
std::vector<AnsweredFile> mailed_files(std::span<const Event> history);

/// Checks every file `history` refers to (answered and mailed) against `files`: kept, and still the
/// content its hash names, in its size. Each problem is one line naming the file, the item and the
/// step and what is wrong; none when every file is as answered. Reads every file once.
std::vector<std::string> verify_files(std::span<const Event> history, const BlobStore& files);

/// What sweep_files() found and did.
struct FileSweep {
  std::size_t referenced = 0;       ///< files an answer refers to, kept
  std::size_t removed = 0;          ///< files no answer refers to, removed
  std::size_t too_young = 0;        ///< files no answer refers to yet, left for a later sweep
  std::uint64_t removed_bytes = 0;  ///< the size of those removed
};

/// Removes from `files` what no answer or mail of any instance in `log` refers to and was kept
/// before `kept_before`: the orphans of uploads never answered with, or of a process that died
/// between keeping a file and recording the answer (and, in a DirectoryBlobStore, temporary files
/// such a process left). A file an answer refers to, even one a later answer replaced, is never
/// removed, nor a mail's attachment. `kept_before` gives uploads in progress their time: a day ago
/// is safe. Reads the history of every instance.
tl::expected<FileSweep, Error> sweep_files(const EventLog& log, BlobStore& files, Time kept_before);

}  // namespace ablauf
