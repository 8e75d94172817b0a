#include "run_outbox.hpp"

#include "eml.hpp"
#include "files/durable_file.hpp"

#include <cctype>

namespace ablauf::cli {

std::string FileOutbox::file_name(std::string_view idempotency_key) {
  static constexpr char hex[] = "0123456789ABCDEF";
  std::string name;
  for (const unsigned char c : idempotency_key) {
    if (std::isalnum(c) || c == '-' || c == '_') {
      name += static_cast<char>(c);
    } else {
      name += '%';
      name += hex[c >> 4];
      name += hex[c & 0xf];
    }
  }
  return name + ".eml";
}

tl::expected<std::string, std::string> FileOutbox::send(const Mail& mail) {
  if (mail.idempotency_key.empty())
    return tl::make_unexpected("a mail without an idempotency key has no file name");
  auto text = compose_eml(mail);
  if (!text) return tl::make_unexpected("mail " + mail.idempotency_key + ": " + text.error());
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec) return tl::make_unexpected("cannot create " + folder_.string() + ": " + ec.message());
  if (!std::filesystem::is_directory(folder_, ec))
    return tl::make_unexpected(folder_.string() + " is not a folder");
  const auto path = folder_ / file_name(mail.idempotency_key);
  // One outbox writes one mail at a time, so the temporary's name needs no more than the mail's.
  const auto temporary = folder_ / ("." + path.filename().string() + ".tmp");
  if (auto ok = detail::write_durably(path, temporary, *text); !ok)
    return tl::make_unexpected(ok.error());
  ++count_;
  return path.string();
}

}  // namespace ablauf::cli
