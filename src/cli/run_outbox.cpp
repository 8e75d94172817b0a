#include "run_outbox.hpp"

#include <fstream>

namespace ablauf::cli {
namespace {

std::string joined(const std::vector<std::string>& addresses) {
  std::string out;
  for (const auto& a : addresses) out += (out.empty() ? "" : ", ") + a;
  return out;
}

}  // namespace

tl::expected<std::string, std::string> FileOutbox::send(const Mail& mail) {
  std::error_code ec;
  std::filesystem::create_directories(folder_, ec);
  if (ec) return tl::make_unexpected("cannot create " + folder_.string() + ": " + ec.message());
  const auto path = folder_ / (std::to_string(++count_) + ".eml");
  std::ofstream out(path, std::ios::binary);
  // Headers in UTF-8 as RFC 6532 allows; every mail program reads them.
  out << "To: " << joined(mail.to) << "\r\n";
  if (!mail.cc.empty()) out << "Cc: " << joined(mail.cc) << "\r\n";
  if (!mail.reply_to.empty()) out << "Reply-To: " << mail.reply_to << "\r\n";
  out << "Subject: " << mail.subject << "\r\n"
      << "Message-ID: <" << mail.idempotency_key << "@ablauf>\r\n"
      << "MIME-Version: 1.0\r\n"
      << "Content-Type: text/" << (mail.html ? "html" : "plain") << "; charset=UTF-8\r\n\r\n"
      << mail.body << "\r\n";
  if (!out) return tl::make_unexpected("cannot write " + path.string());
  return path.string();
}

}  // namespace ablauf::cli
