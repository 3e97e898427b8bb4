// The stdlib's Strata sources, embedded into the binary at build time.
#pragma once

#include <optional>
#include <string_view>
#include <vector>

namespace strata::stdlib {

// The text of `<std/NAME>` (NAME without the .strata suffix, e.g. "lists"), or nullopt.
std::optional<std::string_view> Lookup(std::string_view name);
// The names of every embedded module, sorted.
std::vector<std::string_view> Names();

}  // namespace strata::stdlib
