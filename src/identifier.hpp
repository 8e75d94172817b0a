// Lexical rules for names in definitions (internal).
#pragma once

#include <string_view>

namespace ablauf::detail {

// Step, section and item ids: [A-Za-z_][A-Za-z0-9_]*, so expressions can name them.
bool is_identifier(std::string_view s) noexcept;

// Step type names: [a-z][a-z0-9_]*.
bool is_lowercase_identifier(std::string_view s) noexcept;

// Definition ids: [A-Za-z0-9_.-]+.
bool is_definition_id(std::string_view s) noexcept;

// Language codes: [a-z]{2,3}(-[A-Za-z0-9]{2,8})*, e.g. "de", "de-CH".
bool is_language_code(std::string_view s) noexcept;

// The fields every step has, whatever its type.
inline constexpr std::string_view common_step_fields[] = {
    "id",    "type",    "title",      "description", "next",
    "retry", "timeout", "on_timeout", "on_error",    "assign"};

}  // namespace ablauf::detail
