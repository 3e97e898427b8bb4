// git as a child process: stdin and stderr in memory files (memfd), stdout through a pipe read
// to the end, so that neither side can block on a full pipe.
#include "runtime/cli/git_command.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>

extern char** environ;

namespace strata::cli {
namespace {

llvm::Error Failure(const std::string& message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

// A memory file holding `text`, positioned at its start; -1 on failure.
int MemoryFile(const char* name, const std::string& text) {
  int fd = ::memfd_create(name, MFD_CLOEXEC);
  if (fd < 0) return -1;
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return -1;
    }
    done += static_cast<size_t>(n);
  }
  ::lseek(fd, 0, SEEK_SET);
  return fd;
}

// The text of a memory file (rewound first).
std::string ReadAll(int fd) {
  ::lseek(fd, 0, SEEK_SET);
  std::string text;
  char buffer[8192];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return text;
}

}  // namespace

std::string FindProgram(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::string dirs = path ? path : "/usr/bin:/bin";
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t colon = dirs.find(':', start);
    std::string dir =
        dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
    std::error_code error;
    if (!dir.empty() && std::filesystem::is_regular_file(dir + "/" + name, error))
      return dir + "/" + name;
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  return "/usr/bin/" + name;
}

llvm::Expected<std::string> RunGit(const std::string& dir, const std::vector<std::string>& args,
                                   const std::string& input, const std::vector<std::string>& env) {
  std::vector<std::string> argv = {FindProgram("git"), "-C", dir};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string shown = "git";
  for (const std::string& arg : args) shown += " " + arg;
  int in = MemoryFile("strata-git-stdin", input);
  int err = MemoryFile("strata-git-stderr", "");
  int out[2] = {-1, -1};
  if (in < 0 || err < 0 || ::pipe2(out, O_CLOEXEC) != 0) {
    int saved = errno;
    for (int fd : {in, err, out[0], out[1]})
      if (fd >= 0) ::close(fd);
    return Failure("cannot run " + shown + ": " + std::strerror(saved));
  }
  // `env` replaces a variable of the same name (getenv would find the first).
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string_view entry(*e);
    bool replaced = false;
    for (const std::string& added : env)
      replaced =
          replaced || entry.substr(0, entry.find('=') + 1) == added.substr(0, added.find('=') + 1);
    if (!replaced) env_strings.emplace_back(entry);
  }
  env_strings.insert(env_strings.end(), env.begin(), env.end());
  std::vector<char*> envp, argp;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  for (std::string& s : argv) argp.push_back(s.data());
  argp.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in, STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out[1], STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err, STDERR_FILENO);
  pid_t pid = 0;
  int spawned = ::posix_spawn(&pid, argp[0], &actions, nullptr, argp.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  ::close(in);
  ::close(out[1]);
  std::string output;
  if (spawned == 0) {
    char buffer[65536];
    for (;;) {
      ssize_t n = ::read(out[0], buffer, sizeof buffer);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      output.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(out[0]);
  if (spawned != 0) {
    ::close(err);
    return Failure("cannot run " + shown + ": " + std::strerror(spawned));
  }
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) break;
  std::string errors = ReadAll(err);
  ::close(err);
  while (!errors.empty() && errors.back() == '\n') errors.pop_back();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return Failure(shown + " failed: " + errors);
  return output;
}

}  // namespace strata::cli
