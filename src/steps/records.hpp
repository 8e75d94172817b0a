// What save_record and update_record share (internal).
#pragma once

#include "ablauf/error.hpp"

#include <tl/expected.hpp>

#include <string>

namespace ablauf::detail {

struct EngineParts;
struct Run;

// Whether the record exists: in the store, or written earlier in this same run.
tl::expected<bool, Error> record_exists(const EngineParts& engine, const Run& run,
                                        const std::string& collection, const std::string& key);

}  // namespace ablauf::detail
