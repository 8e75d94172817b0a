// The routes every Server brings: /healthz and the API under /api/v1 (internal).
#pragma once

#include <ablauf/http_server.hpp>

namespace ablauf::http::detail {

void add_api_v1(Server& server, Engine& engine);

}  // namespace ablauf::http::detail
