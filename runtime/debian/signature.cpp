// gpgv, not gpg: it needs no home directory or agent and trusts exactly the keyrings given.
#include "runtime/debian/signature.h"

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runtime/exec/child_process.h"

namespace strata::debian {

std::string DefaultKeyring() {
  if (const char* keyring = std::getenv("STRATA_DEBIAN_KEYRING"); keyring && *keyring)
    return keyring;
  return "/usr/share/keyrings/debian-archive-keyring.gpg";
}

llvm::Expected<std::string> VerifyClearsigned(const std::string& path,
                                              const std::vector<std::string>& keyrings,
                                              const std::string& what) {
  const char* gpgv = "/usr/bin/gpgv";
  if (::access(gpgv, X_OK) != 0)
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "cannot verify %s: gpgv is not installed (Debian package gpgv)",
                                   what.c_str());
  std::vector<std::string> argv = {gpgv, "--quiet"};
  for (const std::string& keyring : keyrings) {
    struct stat st;
    if (::stat(keyring.c_str(), &st) != 0)
      return llvm::createStringError(
          std::errc::no_such_file_or_directory,
          "cannot verify %s: no keyring %s (Debian package debian-archive-keyring)", what.c_str(),
          keyring.c_str());
    argv.push_back("--keyring");
    argv.push_back(keyring);
  }
  std::string output = path + ".verified";
  ::unlink(output.c_str());
  argv.insert(argv.end(), {"--output", output, "--", path});
  exec::OutputCollector collector(nullptr, -1, 6);
  llvm::Expected<exec::ChildExit> exit =
      exec::RunChild(argv, &collector, std::chrono::minutes(2), [] {});
  if (!exit) return exit.takeError();
  collector.Finish();
  if (exit->timed_out || !WIFEXITED(exit->wait_status) || WEXITSTATUS(exit->wait_status) != 0) {
    ::unlink(output.c_str());
    std::string lines;
    for (const std::string& line : collector.Tail()) lines += "\n  " + line;
    return llvm::createStringError(std::errc::permission_denied,
                                   "the signature of %s does not verify:%s", what.c_str(),
                                   lines.c_str());
  }
  std::ifstream in(output, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  ::unlink(output.c_str());
  if (!in && !in.eof())
    return llvm::createStringError(std::errc::io_error, "cannot read gpgv's output for %s",
                                   what.c_str());
  return text.str();
}

}  // namespace strata::debian
