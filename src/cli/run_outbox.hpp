// Where `ablauf run` puts the mail an instance sends: .eml files in a folder, numbered in the
// order they were sent. The path is the mail's message id, so the progress lines name it.
#pragma once

#include <ablauf/services.hpp>

#include <filesystem>

namespace ablauf::cli {

class FileOutbox final : public Mailer {
 public:
  explicit FileOutbox(std::filesystem::path folder) : folder_(std::move(folder)) {}

  tl::expected<std::string, std::string> send(const Mail& mail) override;
  std::size_t count() const noexcept { return count_; }

 private:
  std::filesystem::path folder_;
  std::size_t count_ = 0;
};

}  // namespace ablauf::cli
