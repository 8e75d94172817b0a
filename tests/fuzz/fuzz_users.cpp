// Fuzzes the readers of the server's configuration files: any bytes as a users file and as a
// webhooks file. Bad input must come back as located problems; good input must name its users
// and sources.
#include <ablauf/http_users.hpp>
#include <ablauf/http_webhooks.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

namespace {

void check_located(const ablauf::Diagnostics& problems) {
  for (const auto& problem : problems) {
    if (problem.location.line == 0) std::abort();  // every problem names its place
    (void)ablauf::format(problem);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  if (auto users = ablauf::http::UsersFile::read(text, "users.json"); users) {
    for (const auto& user : (*users)->users())
      if (user.name.empty()) std::abort();
  } else {
    check_located(users.error());
  }
  if (auto sources = ablauf::http::read_webhook_sources(text, "webhooks.json"); sources) {
    for (const auto& source : *sources)
      if (source.name.empty() || source.secret.size() < 32) std::abort();
  } else {
    check_located(sources.error());
  }
  return 0;
}
