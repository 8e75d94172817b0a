// The files a send_email step attaches (internal): its `attachments` entries, rendered, made into
// MailAttachment references whose content the engine's BlobStore keeps. docs/format.md,
// "Attachments", describes the entries.
#pragma once

#include "engine/engine_impl.hpp"
#include "steps/step_behavior.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace ablauf::detail {

// Why a mail's attachments could not be gathered, and whether trying again may help: a renderer
// or a BlobStore that failed may work on the step's next attempt (its `retry`); a file that is
// not kept, a bad name or too many bytes will not.
struct AttachmentFailure {
  std::string message;
  bool retryable = false;
};

// The attachments of `call`'s mail, in the order its `attachments` lists them, or why there
// are none. A `files` entry refers to files kept already (answered on a checklist); a `form` or
// `document` entry is made by the engine's AttachmentRenderer and kept in the BlobStore before
// this returns, so that the mail queued after it never names content that is not kept. Refuses
// entries past EngineLimits::max_attachment_bytes together.
tl::expected<std::vector<MailAttachment>, AttachmentFailure> gather_attachments(
    const EngineParts& engine, const StepCall& call);

// The first send_email step of `workflow` whose attachments need what `engine` lacks: a
// BlobStore to keep them, or an AttachmentRenderer for its `form` and `document` entries.
// Located at the step's "attachments"; checked when the workflow is deployed.
std::optional<Error> attachments_unrunnable(const Workflow& workflow, bool keeps_files,
                                            bool renders);

}  // namespace ablauf::detail
