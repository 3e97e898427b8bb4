// Command-line parsing shared by the commands (Boost.Program_options).
#include "runtime/cli/options.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <iostream>

#include "runtime/schedule/work_dir.h"
#include "runtime/store/store.h"

namespace strata::cli {

void AddProgramOptions(po::options_description& options, bool with_args) {
  options.add_options()(
      "file,f", po::value<std::string>()->value_name("FILE"),
      "the program: a .strata file, or a directory holding build.strata "
      "(default ./build.strata); any other file is a Dockerfile, - reads one from stdin");
  if (with_args)
    options.add_options()("arg",
                          po::value<std::vector<std::string>>()->composing()->value_name("K=V"),
                          "a value for a parameter of the top-level function (repeatable)");
}

ProgramInput GetProgramInput(const po::variables_map& values) {
  ProgramInput input;
  if (values.count("file")) input.file = values["file"].as<std::string>();
  if (values.count("arg")) input.args = values["arg"].as<std::vector<std::string>>();
  return input;
}

std::map<std::string, std::string> KeyValues(const po::variables_map& values, const char* flag) {
  std::map<std::string, std::string> result;
  if (!values.count(flag)) return result;
  for (const std::string& text : values[flag].as<std::vector<std::string>>()) {
    size_t equals = text.find('=');
    if (equals == std::string::npos || equals == 0)
      throw UsageError{std::string("--") + flag + " " + text + ": expected NAME=VALUE"};
    result[text.substr(0, equals)] = text.substr(equals + 1);
  }
  return result;
}

std::string StoreDir(const po::variables_map& values) {
  std::string dir =
      values.count("store") ? values["store"].as<std::string>() : store::Store::DefaultRoot();
  if (dir.empty()) throw UsageError{"--store needs a directory"};
  // Absolute, as runc and overlayfs need the paths made from it (a relative `--store s` or
  // STRATA_STORE=s failed at the first RUN step: "upper dir must be an absolute path").
  std::error_code error;
  std::filesystem::path absolute = std::filesystem::absolute(dir, error);
  return error ? dir : absolute.lexically_normal().string();
}

driver::FrontendOptions FrontendOptionsFor(const std::string& store_dir, bool writes) {
  // Any command on the store ends what builds killed with SIGKILL left running or mounted
  // (this removes their work dirs; it creates nothing).
  llvm::consumeError(schedule::CleanStaleWorkDirs(store_dir).takeError());
  driver::FrontendOptions options;
  std::string cache = store_dir + "/local-hash-cache";
  std::string parse_cache = store_dir + "/parse-cache";
  struct stat st;
  if (writes) {
    // 0700, as Store::Open makes it (docs/store.md, "Who may read the store").
    if (::mkdir(store_dir.c_str(), 0700) == 0 || errno == EEXIST) {
      options.hash_cache_path = cache;
      options.parse_cache_dir = parse_cache;
      // Made here, used by `strata graph` (driver/graph_cache.h).
      ::mkdir((store_dir + "/graph-cache").c_str(), 0700);
    }
  } else {
    // Read-only commands use the caches of a store that exists; they create neither.
    if (::stat(cache.c_str(), &st) == 0 && S_ISREG(st.st_mode)) options.hash_cache_path = cache;
    if (::stat(parse_cache.c_str(), &st) == 0 && S_ISDIR(st.st_mode))
      options.parse_cache_dir = parse_cache;
  }
  return options;
}

bool IsStrataProgramPath(const std::string& path) {
  constexpr std::string_view kSuffix = ".strata";
  if (path.size() >= kSuffix.size() &&
      path.compare(path.size() - kSuffix.size(), kSuffix.size(), kSuffix) == 0)
    return true;
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
         ::stat((path + "/build.strata").c_str(), &st) == 0;
}

ParsedCommand ParseCommand(const std::string& usage, const po::options_description& options,
                           const std::vector<std::string>& args, size_t max_positional) {
  po::options_description all = options;
  all.add_options()("help,h", "print this help");
  all.add_options()("positional", po::value<std::vector<std::string>>(), "");
  po::positional_options_description positional;
  positional.add("positional", -1);

  ParsedCommand parsed;
  try {
    po::store(po::command_line_parser(args).options(all).positional(positional).run(),
              parsed.values);
    po::notify(parsed.values);
  } catch (const po::error& error) {
    throw UsageError{std::string(error.what()) + "\nusage: " + usage};
  }
  if (parsed.values.count("help")) {
    std::cout << "usage: " << usage << "\n" << options;
    throw HelpShown{};
  }
  if (parsed.values.count("positional"))
    parsed.positional = parsed.values["positional"].as<std::vector<std::string>>();
  // Workspace labels and patterns (`//a:b //c/...`) may be several wherever one target may.
  bool all_labels = std::all_of(parsed.positional.begin(), parsed.positional.end(),
                                [](const std::string& word) { return word.rfind("//", 0) == 0; });
  if (parsed.positional.size() > max_positional && !(max_positional == 1 && all_labels))
    throw UsageError{"unexpected argument '" + parsed.positional[max_positional] +
                     "'\nusage: " + usage};
  return parsed;
}

std::vector<std::string> SplitTarget(const std::string& target) {
  std::vector<std::string> path;
  size_t start = 0;
  while (true) {
    size_t dot = target.find('.', start);
    std::string part =
        target.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty())
      throw UsageError{"malformed target '" + target + "': expected NAME or NAME.NAME..."};
    path.push_back(part);
    if (dot == std::string::npos) return path;
    start = dot + 1;
  }
}

}  // namespace strata::cli
