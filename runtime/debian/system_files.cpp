// Plain files with fixed owners and modes: the same bytes on every machine.
#include "runtime/debian/system_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "compiler/support/unique_fd.h"
#include "runtime/debian/control_file.h"
#include "runtime/debian/java_cacerts.h"

namespace strata::debian {
namespace {

llvm::Error Errno(const std::string& what, const std::string& path) {
  return llvm::createStringError(std::error_code(errno, std::generic_category()), "%s %s: %s",
                                 what.c_str(), path.c_str(), std::strerror(errno));
}

llvm::Error MakeDir(const std::string& path, mode_t mode, int owner = 0) {
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return Errno("cannot create", path);
  if (::chown(path.c_str(), owner, owner) != 0 || ::chmod(path.c_str(), mode) != 0)
    return Errno("cannot set the owner and mode of", path);
  return llvm::Error::success();
}

llvm::Error MakeFile(const std::string& path, const std::string& content) {
  support::UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd) return Errno("cannot create", path);
  for (size_t done = 0; done < content.size();) {
    ssize_t n = ::write(fd.Get(), content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write", path);
    done += static_cast<size_t>(n);
  }
  if (::fchown(fd.Get(), 0, 0) != 0 || ::fchmod(fd.Get(), 0644) != 0)
    return Errno("cannot set the mode of", path);
  return llvm::Error::success();
}

// The name dpkg gives a package's files in /var/lib/dpkg/info: NAME:ARCH for a Multi-Arch:
// same package (several architectures may be installed), NAME otherwise.
llvm::Expected<std::string> InfoName(const InstalledPackage& package) {
  llvm::Expected<std::vector<Stanza>> stanzas = ParseControl(package.control, package.name);
  if (!stanzas) return stanzas.takeError();
  if (stanzas->empty() || !(*stanzas)[0].Get("Multi-Arch").equals_insensitive("same"))
    return package.name;
  return package.name + ":" + (*stanzas)[0].Get("Architecture").str();
}

}  // namespace

llvm::Expected<std::map<std::string, std::string>> ListCaCertificates(
    const std::vector<std::string>& trees) {
  namespace fs = std::filesystem;
  std::map<std::string, std::string> certificates;  // relative path → host file; sorted
  for (const std::string& tree : trees) {
    fs::path root = fs::path(tree) / "usr/share/ca-certificates";
    std::error_code ec;
    if (!fs::is_directory(fs::symlink_status(root, ec))) continue;
    for (fs::recursive_directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
      // Regular files only: a symlink in a package tree is never followed out of it.
      if (it->symlink_status().type() == fs::file_type::regular && it->path().extension() == ".crt")
        certificates[fs::relative(it->path(), root).string()] = it->path().string();
    }
    if (ec)
      return llvm::createStringError(ec, "cannot list %s: %s", root.c_str(), ec.message().c_str());
  }
  return certificates;
}

llvm::Expected<size_t> WriteCaBundle(const std::string& dir,
                                     const std::map<std::string, std::string>& certificates) {
  if (certificates.empty()) return 0;
  std::string bundle;
  for (const auto& [name, path] : certificates) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    if (!in && !in.eof())
      return llvm::createStringError(std::errc::io_error, "cannot read %s", path.c_str());
    bundle += text.str();
    if (!bundle.empty() && bundle.back() != '\n') bundle += '\n';
  }
  for (const char* sub : {"/etc", "/etc/ssl", "/etc/ssl/certs"})
    if (llvm::Error err = MakeDir(dir + sub, 0755)) return err;
  if (llvm::Error err = MakeFile(dir + "/etc/ssl/certs/ca-certificates.crt", bundle)) return err;
  return certificates.size();
}

llvm::Expected<size_t> WriteJavaCacerts(const std::string& dir,
                                        const std::map<std::string, std::string>& certificates) {
  llvm::Expected<std::string> store = JavaTrustStore(certificates);
  if (!store) return store.takeError();
  for (const char* sub : {"/etc", "/etc/ssl", "/etc/ssl/certs", "/etc/ssl/certs/java"})
    if (llvm::Error err = MakeDir(dir + sub, 0755)) return err;
  if (llvm::Error err = MakeFile(dir + "/etc/ssl/certs/java/cacerts", *store)) return err;
  return certificates.size();
}

std::string StatusStanza(const std::string& control) {
  std::string text = control;
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  size_t eol = text.find('\n');
  std::string status = "Status: install ok installed";
  if (eol == std::string::npos) return text + "\n" + status + "\n";
  return text.substr(0, eol + 1) + status + "\n" + text.substr(eol + 1) + "\n";
}

llvm::Error WriteSystemFiles(const std::string& dir, std::vector<InstalledPackage> packages) {
  std::sort(packages.begin(), packages.end(),
            [](const InstalledPackage& a, const InstalledPackage& b) { return a.name < b.name; });
  std::string nonroot = std::to_string(kNonRootId);
  for (const char* sub : {"/etc", "/var", "/var/lib", "/var/lib/dpkg", "/var/lib/dpkg/status.d",
                          "/var/lib/dpkg/info", "/home"})
    if (llvm::Error err = MakeDir(dir + sub, 0755)) return err;
  if (llvm::Error err = MakeDir(dir + "/root", 0700)) return err;
  if (llvm::Error err = MakeDir(dir + "/home/nonroot", 0700, kNonRootId)) return err;
  if (llvm::Error err = MakeDir(dir + "/tmp", 01777)) return err;
  if (llvm::Error err = MakeFile(dir + "/etc/passwd",
                                 "root:x:0:0:root:/root:/bin/sh\nnonroot:x:" + nonroot + ":" +
                                     nonroot + ":nonroot:/home/nonroot:/usr/sbin/nologin\n"))
    return err;
  if (llvm::Error err = MakeFile(dir + "/etc/group", "root:x:0:\nnonroot:x:" + nonroot + ":\n"))
    return err;
  // The database layout whose Multi-Arch: same files are NAME:ARCH (dpkg 1.16.2 on); without
  // it dpkg looks for NAME alone.
  if (llvm::Error err = MakeFile(dir + "/var/lib/dpkg/info/format", "1\n")) return err;
  std::string status;
  for (const InstalledPackage& package : packages) {
    std::string stanza = StatusStanza(package.control);
    status += (status.empty() ? "" : "\n") + stanza;
    if (llvm::Error err = MakeFile(dir + "/var/lib/dpkg/status.d/" + package.name, stanza))
      return err;
    llvm::Expected<std::string> info = InfoName(package);
    if (!info) return info.takeError();
    std::string list;
    for (const std::string& file : package.files) list += file + "\n";
    std::string prefix = dir + "/var/lib/dpkg/info/" + *info;
    if (llvm::Error err = MakeFile(prefix + ".list", list)) return err;
    if (llvm::Error err = MakeFile(prefix + ".md5sums", package.md5sums)) return err;
  }
  return MakeFile(dir + "/var/lib/dpkg/status", status);
}

}  // namespace strata::debian
