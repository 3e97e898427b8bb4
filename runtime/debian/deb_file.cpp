// A .deb is an ar archive (debian-binary, control.tar.*, data.tar.*); libarchive reads the ar,
// and a second libarchive reader streams the data.tar member out of the first.
#include "runtime/debian/deb_file.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <llvm/ADT/StringExtras.h>
#include <openssl/evp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>
#include <set>

#include "compiler/support/unique_fd.h"
#include "runtime/debian/usr_merge.h"
#include "runtime/exec/rootfs_path.h"
#include "runtime/oci/extract_entry.h"
#include "runtime/oci/rooted_dir.h"

namespace strata::debian {
namespace {

struct ReadFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};

// Feeds the inner reader with the current member of the outer one.
struct Member {
  struct archive* outer;
  char buffer[1 << 16];
};

la_ssize_t ReadMember(struct archive*, void* data, const void** out) {
  auto* member = static_cast<Member*>(data);
  *out = member->buffer;
  return archive_read_data(member->outer, member->buffer, sizeof member->buffer);
}

llvm::Error ArchiveError(struct archive* a, const std::string& what, const std::string& where) {
  const char* message = archive_error_string(a);
  return llvm::createStringError(std::errc::illegal_byte_sequence, "%s: %s: %s", what.c_str(),
                                 where.c_str(), message ? message : "malformed");
}

// The ./control, ./postinst, ./md5sums and ./conffiles files of a control.tar member.
llvm::Error ReadControl(Member& member, const std::string& what, llvm::StringRef name,
                        DebControl& out, std::string& conffiles) {
  std::unique_ptr<struct archive, ReadFree> inner(archive_read_new());
  archive_read_support_filter_all(inner.get());
  archive_read_support_format_tar(inner.get());
  archive_read_support_format_gnutar(inner.get());
  if (archive_read_open(inner.get(), &member, nullptr, ReadMember, nullptr) != ARCHIVE_OK)
    return ArchiveError(inner.get(), what, name.str());
  struct archive_entry* file;
  int rc;
  while ((rc = archive_read_next_header(inner.get(), &file)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
    llvm::StringRef path = archive_entry_pathname(file) ? archive_entry_pathname(file) : "";
    path.consume_front("./");
    std::string* text = path == "control"     ? &out.control
                        : path == "postinst"  ? &out.postinst
                        : path == "md5sums"   ? &out.md5sums
                        : path == "conffiles" ? &conffiles
                                              : nullptr;
    if (!text) continue;
    // A md5sums file has a line per file (texlive's documentation: ~5 MB); the others are small.
    if (archive_entry_size(file) > (path == "md5sums" ? (64 << 20) : (1 << 20)))
      return ArchiveError(inner.get(), what, path.str() + " too large");
    char buffer[1 << 14];
    la_ssize_t n;
    while ((n = archive_read_data(inner.get(), buffer, sizeof buffer)) > 0)
      text->append(buffer, static_cast<size_t>(n));
    if (n < 0) return ArchiveError(inner.get(), what, name.str());
  }
  if (out.control.empty())
    return llvm::createStringError(std::errc::illegal_byte_sequence, "%s: %s has no control file",
                                   what.c_str(), name.str().c_str());
  return llvm::Error::success();
}

// Whether `path` ("./usr/x" or "./usr/x/" as in data.tar) is excluded: a pattern matches it
// (shipped or merged-/usr form) or one of its directories.
bool PathExcluded(const std::vector<std::string>& patterns, llvm::StringRef path) {
  if (patterns.empty()) return false;
  std::string shipped = "/" + path.ltrim('.').ltrim('/').rtrim('/').str();
  for (const std::string& candidate : {shipped, MergedUsrPath(shipped)})
    for (size_t end = candidate.size(); end > 1; end = candidate.rfind('/', end - 1)) {
      std::string prefix = candidate.substr(0, end);
      for (const std::string& pattern : patterns)
        if (::fnmatch(pattern.c_str(), prefix.c_str(), 0) == 0) return true;
    }
  return false;
}

// The md5 of the regular file at `path` under `dir` (its merged-/usr place), resolved as if
// `dir` were "/" (never out of it); nullopt when it is not a regular file there.
llvm::Expected<std::optional<std::string>> Md5InTree(const std::string& dir,
                                                     const std::string& path) {
  llvm::Expected<support::UniqueFd> fd = exec::OpenInRoot(dir, path, O_RDONLY | O_NOFOLLOW);
  if (!fd) return fd.takeError();
  struct stat st;
  if (!*fd || ::fstat(fd->Get(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_md5(), nullptr) != 1)
    return llvm::createStringError(std::errc::not_supported, "md5 is not available");
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd->Get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return llvm::createStringError(std::errc::io_error, "cannot read %s", path.c_str());
    if (n == 0) break;
    EVP_DigestUpdate(ctx.get(), buffer, static_cast<size_t>(n));
  }
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(ctx.get(), digest, &size);
  return llvm::toHex(llvm::ArrayRef<uint8_t>(digest, size), /*LowerCase=*/true);
}

// dpkg's md5sums for a package that ships none: every regular file it unpacked but the
// conffiles (whose sums dpkg keeps in the status instead).
llvm::Expected<std::string> MakeMd5sums(
    const std::string& dir, const std::vector<std::pair<std::string, std::string>>& unpacked,
    llvm::StringRef conffiles) {
  std::set<std::string> skip;
  llvm::SmallVector<llvm::StringRef, 8> lines;
  conffiles.split(lines, '\n', -1, false);
  for (llvm::StringRef line : lines) {
    // "/etc/x" or, since dpkg 1.20.1, "remove-on-upgrade /etc/x".
    llvm::StringRef path =
        line.trim().rsplit(' ').second.empty() ? line.trim() : line.trim().rsplit(' ').second;
    skip.insert(path.str());
  }
  std::string out;
  for (const auto& [path, landed] : unpacked) {
    if (skip.count(path)) continue;
    llvm::Expected<std::optional<std::string>> md5 = Md5InTree(dir, landed);
    if (!md5) return md5.takeError();
    if (*md5) out += **md5 + "  " + path.substr(1) + "\n";
  }
  return out;
}

}  // namespace

llvm::Expected<DebControl> UnpackDeb(const std::string& deb, const std::string& dir,
                                     const std::string& what,
                                     const std::vector<std::string>& path_exclude) {
  std::unique_ptr<struct archive, ReadFree> outer(archive_read_new());
  archive_read_support_format_ar(outer.get());
  if (archive_read_open_filename(outer.get(), deb.c_str(), 1 << 16) != ARCHIVE_OK)
    return ArchiveError(outer.get(), what, "not a .deb");
  struct archive_entry* entry;
  int rc;
  DebControl control;
  std::string conffiles;
  while ((rc = archive_read_next_header(outer.get(), &entry)) == ARCHIVE_OK) {
    llvm::StringRef name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    auto member = std::make_unique<Member>();
    member->outer = outer.get();
    if (name.startswith("control.tar")) {
      if (llvm::Error err = ReadControl(*member, what, name, control, conffiles)) return err;
      continue;
    }
    if (!name.startswith("data.tar")) continue;
    if (control.control.empty())
      return llvm::createStringError(std::errc::illegal_byte_sequence,
                                     "%s: no control.tar before data.tar", what.c_str());
    std::unique_ptr<struct archive, ReadFree> inner(archive_read_new());
    archive_read_support_filter_all(inner.get());
    archive_read_support_format_tar(inner.get());
    archive_read_support_format_gnutar(inner.get());
    if (archive_read_open(inner.get(), member.get(), nullptr, ReadMember, nullptr) != ARCHIVE_OK)
      return ArchiveError(inner.get(), what, name.str());
    support::UniqueFd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root) return llvm::createStringError(std::errc::io_error, "cannot open %s", dir.c_str());
    oci::RootedDir rooted(std::move(root));
    oci::EntryExtractor extractor(rooted, what);
    struct archive_entry* file;
    // The regular files: as shipped ("/bin/x") and where they landed ("/usr/bin/x").
    std::vector<std::pair<std::string, std::string>> unpacked;
    while ((rc = archive_read_next_header(inner.get(), &file)) == ARCHIVE_OK ||
           rc == ARCHIVE_WARN) {
      std::string path = archive_entry_pathname(file) ? archive_entry_pathname(file) : "";
      // dpkg's list name: "./" is "/.", "./usr/" is "/usr".
      std::string listed = "/" + llvm::StringRef(path).ltrim('.').ltrim('/').rtrim('/').str();
      control.files.push_back(listed == "/" ? "/." : listed);
      llvm::StringRef trimmed = llvm::StringRef(path).rtrim('/');
      llvm::StringRef base =
          trimmed.rsplit('/').second.empty() ? trimmed : trimmed.rsplit('/').second;
      if (base.startswith(".wh."))
        return llvm::createStringError(std::errc::invalid_argument,
                                       "%s: refusing the file %s (a whiteout name in a layer)",
                                       what.c_str(), path.c_str());
      // Merged /usr: what dpkg would write through the /bin → usr/bin symlinks.
      if (IsUsrMergedDir(path) && archive_entry_filetype(file) != AE_IFDIR)
        continue;  // the link's own place
      if (PathExcluded(path_exclude, path)) continue;
      if (archive_entry_filetype(file) == AE_IFREG)
        unpacked.emplace_back(
            listed, "/" + llvm::StringRef(MergedUsrPath(path)).ltrim('.').ltrim('/').str());
      archive_entry_set_pathname(file, MergedUsrPath(path).c_str());
      if (const char* hardlink = archive_entry_hardlink(file))
        archive_entry_set_hardlink(file, MergedUsrPath(hardlink).c_str());
      if (llvm::Error err = extractor.Extract(inner.get(), file)) return err;
    }
    if (rc != ARCHIVE_EOF) return ArchiveError(inner.get(), what, name.str());
    if (llvm::Error err = extractor.Finish()) return err;
    if (control.md5sums.empty()) {
      llvm::Expected<std::string> md5sums = MakeMd5sums(dir, unpacked, conffiles);
      if (!md5sums) return md5sums.takeError();
      control.md5sums = std::move(*md5sums);
    }
    return control;
  }
  if (rc != ARCHIVE_EOF) return ArchiveError(outer.get(), what, "malformed ar archive");
  return llvm::createStringError(std::errc::illegal_byte_sequence,
                                 "%s: the .deb has no data.tar member", what.c_str());
}

}  // namespace strata::debian
