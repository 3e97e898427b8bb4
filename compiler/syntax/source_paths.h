// Path literals and import targets: resolving what is written against the file it is in.
#pragma once

#include <string>
#include <string_view>

namespace strata::syntax {

// The directory that relative paths in the file named `file_name` are relative to: its
// folder, made absolute against the working directory. Buffers whose name is not a path
// (`<std/go>`, `<eval>`) use the working directory.
std::string BaseDirectory(const std::string& file_name);

// Resolves a path literal (`./x`, `../x`, `./.`, `a/b`, `/abs/x`) against `base_dir` and
// normalises it lexically: absolute, no `.` or `..` steps, no trailing slash.
std::string ResolvePath(std::string_view written, const std::string& base_dir);

}  // namespace strata::syntax
