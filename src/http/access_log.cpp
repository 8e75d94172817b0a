// Request ids and the access log's lines (access_log.hpp, AccessRecord).
#include "http/access_log.hpp"

#include <ablauf/http_server.hpp>

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cstdio>
#include <random>

namespace ablauf::http {

std::string to_json_line(const AccessRecord& record) {
  return boost::json::serialize(
      boost::json::object{{"time", to_rfc3339(record.time)},
                          {"request_id", record.request_id},
                          {"remote", record.remote},
                          {"method", record.method},
                          {"path", record.path},
                          {"status", record.status},
                          {"bytes", record.bytes},
                          {"ms", static_cast<double>(record.duration.count()) / 1000.0}});
}

namespace detail {

RequestIds::RequestIds() {
  char prefix[9];
  std::snprintf(prefix, sizeof prefix, "%08x", static_cast<unsigned>(std::random_device{}()));
  prefix_ = prefix;
}

std::string RequestIds::take(std::string_view sent) {
  const bool usable =
      !sent.empty() && sent.size() <= 128 && std::all_of(sent.begin(), sent.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '.' || c == '_' || c == '-';
      });
  if (usable) return std::string(sent);
  return prefix_ + "-" + std::to_string(++count_);
}

}  // namespace detail
}  // namespace ablauf::http
