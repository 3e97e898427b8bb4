// Finding and reading .dockerignore, and hashing a build context through it.
#include "compiler/dockerfile/dockerignore.h"

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/graph/ignore_patterns.h"
#include "compiler/graph/ops.h"

namespace strata::dockerfile {

std::string FindDockerignore(const std::string& dockerfile_path, const std::string& context_dir) {
  struct stat st;
  if (!dockerfile_path.empty()) {
    std::string beside = dockerfile_path + ".dockerignore";
    if (stat(beside.c_str(), &st) == 0 && S_ISREG(st.st_mode)) return beside;
  }
  std::string in_context = context_dir + "/.dockerignore";
  if (!context_dir.empty() && stat(in_context.c_str(), &st) == 0 && S_ISREG(st.st_mode))
    return in_context;
  return "";
}

std::vector<std::string> ParseDockerignore(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string> patterns;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == std::string_view::npos) end = text.size();
    std::string pattern = graph::CleanIgnorePattern(text.substr(begin, end - begin));
    if (!pattern.empty()) patterns.push_back(std::move(pattern));
    begin = end + 1;
  }
  return patterns;
}

std::vector<std::string> ReadDockerignore(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::stringstream buffer;
  buffer << in.rdbuf();
  return ParseDockerignore(buffer.str());
}

std::string AbsolutePath(const std::string& path) {
  std::error_code ec;
  std::string absolute = std::filesystem::absolute(path, ec).lexically_normal().string();
  if (ec) absolute = path;
  while (absolute.size() > 1 && absolute.back() == '/') absolute.pop_back();
  return absolute;
}

std::string LocalName(const std::string& absolute_path) {
  size_t slash = absolute_path.find_last_of('/');
  std::string name = slash == std::string::npos ? absolute_path : absolute_path.substr(slash + 1);
  return name.empty() ? "/" : name;
}

const graph::Node* MakeContextNode(graph::Graph& graph, graph::LocalSourceHasher& hasher,
                                   const std::string& dir, const std::vector<std::string>& exclude,
                                   std::string& error, bool keep_modes) {
  std::string absolute = AbsolutePath(dir);
  // Docker refuses these patterns rather than guessing what they mean.
  for (const std::string& pattern : exclude)
    if (std::string why = graph::IgnorePatternError(pattern); !why.empty()) {
      error = ".dockerignore: " + why;
      return nullptr;
    }
  // BuildKit sends the context with each file's mode as it is on disk, and copies it so.
  graph::LocalSourceHasher::Result hash = hasher.Hash(absolute, exclude, "", keep_modes);
  if (!hash.error.empty()) {
    error = hash.error;
    return nullptr;
  }
  return graph::MakeLocal(graph, absolute, LocalName(absolute), hash.digest, exclude, "", {},
                          keep_modes);
}

}  // namespace strata::dockerfile
