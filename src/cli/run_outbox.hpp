// Where `ablauf run` puts the mail an instance sends: one .eml file (RFC 5322, composed by GMime)
// per mail in a folder, named after the mail's idempotency key. A mail handed over again after a
// crash has the same key, so it replaces its own file with the same text and never another
// mail's. A file is written whole or not at all (a temporary file, flushed to disk, then
// renamed), so a full disk leaves no empty or cut-off mail behind, and send() reports it.
#pragma once

#include <ablauf/services.hpp>

#include <filesystem>

namespace ablauf::cli {

class FileOutbox final : public Mailer {
 public:
  explicit FileOutbox(std::filesystem::path folder) : folder_(std::move(folder)) {}

  // Writes the mail to its file; returns the file's path as the message id, once the file and
  // its folder entry are on disk.
  tl::expected<std::string, std::string> send(const Mail& mail) override;
  // How many mails this process wrote.
  std::size_t count() const noexcept { return count_; }

  // The file name a mail with this idempotency key is written to: the key with every byte but
  // letters, digits, '-' and '_' percent-encoded (so "inv-1/remind/7" is "inv-1%2Fremind%2F7"),
  // then ".eml". Distinct keys give distinct names.
  static std::string file_name(std::string_view idempotency_key);

 private:
  std::filesystem::path folder_;
  std::size_t count_ = 0;
};

}  // namespace ablauf::cli
