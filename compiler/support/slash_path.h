// Lexical operations on '/'-separated paths (image paths, Dockerfile paths, tar entries): the
// one copy for every phase and the runtime. Nothing here touches the file system.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace strata::support {

// Go's path.Clean: repeated slashes, "." elements and ".." after a real element removed;
// ".." kept at the start of a relative path and dropped at the root; "" becomes ".".
std::string CleanSlashPath(std::string_view path);

// `path` resolved against `base` when relative, then cleaned; always absolute (".." never
// climbs above "/"), as a WORKDIR or a COPY destination inside an image.
std::string CleanPath(std::string_view base, std::string_view path);

// What follows the last '/' (all of `path` when it has none; "" when it ends in '/').
std::string_view BaseName(std::string_view path);

// The non-empty elements of `text` split at `separator`: a path's components ('/') or the
// directories of a search list such as an ELF RUNPATH (':').
std::vector<std::string> PathElements(std::string_view text, char separator = '/');

}  // namespace strata::support
