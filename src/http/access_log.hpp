// Request ids and the access log's lines (internal; the record is AccessRecord).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

namespace ablauf::http::detail {

// Makes request ids for requests that bring none: "<8 hex digits of this server>-<count>", so
// that ids of two servers behind one proxy differ.
class RequestIds {
 public:
  RequestIds();
  // The client's X-Request-Id when it is 1 to 128 of A-Z a-z 0-9 . _ -, else a new one.
  std::string take(std::string_view sent);

 private:
  std::string prefix_;
  std::atomic<std::uint64_t> count_{0};
};

}  // namespace ablauf::http::detail
