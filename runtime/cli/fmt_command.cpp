// `strata fmt [--check] [FILE|DIR]...`: rewrite Strata files in the canonical layout
// (docs/fmt.md), or with --check only list the ones that are not in it.
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <iostream>

#include "compiler/driver/format_source.h"
#include "compiler/support/atomic_file.h"
#include "compiler/support/file_read.h"
#include "runtime/cli/commands.h"
#include "runtime/cli/options.h"

namespace strata::cli {
namespace {

namespace fs = std::filesystem;

// The .strata files under `dir`, sorted, skipping hidden directories (.git) and build trees.
void CollectStrataFiles(const std::string& dir, std::vector<std::string>& files) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (it->is_directory() && !name.empty() && name[0] == '.' && name != "." && name != "..") {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file() && it->path().extension() == ".strata") {
      std::string path = it->path().string();
      if (path.rfind("./", 0) == 0 && dir == ".") path = path.substr(2);
      found.push_back(path);
    }
  }
  std::sort(found.begin(), found.end());
  files.insert(files.end(), found.begin(), found.end());
}

bool ReadFile(const std::string& path, std::string& text) {
  llvm::Expected<std::string> read = support::ReadFile(path);
  if (!read) {
    llvm::consumeError(read.takeError());
    return false;
  }
  text = std::move(*read);
  return true;
}

// Temp file beside `path` + rename, keeping the file's permissions: never half a file.
bool WriteAtomically(const std::string& path, const std::string& text) {
  support::AtomicWriteOptions options;
  options.keep_existing_mode = true;
  if (llvm::Error err = support::WriteFileAtomic(path, text, options)) {
    llvm::consumeError(std::move(err));
    return false;
  }
  return true;
}

}  // namespace

int FmtCommand(const std::vector<std::string>& args) {
  const std::string usage = "strata fmt [--check] [FILE|DIR]...";
  po::options_description options("strata fmt");
  options.add_options()("check", po::bool_switch(),
                        "write nothing; list the files that are not formatted and exit 1 if any");
  ParsedCommand parsed = cli::ParseCommand(usage, options, args, static_cast<size_t>(-1));
  bool check = parsed.values["check"].as<bool>();
  std::vector<std::string> roots = parsed.positional;
  if (roots.empty()) roots.push_back(".");

  std::vector<std::string> files;
  int exit_code = kExitOk;
  for (const std::string& root : roots) {
    std::error_code ec;
    if (fs::is_directory(root, ec)) {
      CollectStrataFiles(root, files);
    } else if (fs::exists(root, ec)) {
      files.push_back(root);
    } else {
      std::cerr << "strata: " << root << ": no such file or directory\n";
      exit_code = kExitProgramError;
    }
  }

  for (const std::string& path : files) {
    std::string text;
    if (!ReadFile(path, text)) {
      std::cerr << "strata: cannot read " << path << "\n";
      exit_code = kExitProgramError;
      continue;
    }
    driver::FormatOutcome outcome = driver::FormatSource(path, text);
    if (!outcome.ok) {
      std::cerr << outcome.rendered;
      exit_code = kExitProgramError;
      continue;
    }
    if (outcome.text == text) continue;
    if (check) {
      std::cout << path << "\n";
      exit_code = kExitProgramError;
    } else if (!WriteAtomically(path, outcome.text)) {
      std::cerr << "strata: cannot write " << path << "\n";
      exit_code = kExitProgramError;
    }
  }
  return exit_code;
}

}  // namespace strata::cli
