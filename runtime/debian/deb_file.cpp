// A .deb is an ar archive (debian-binary, control.tar.*, data.tar.*); libarchive reads the ar,
// and a second libarchive reader streams the data.tar member out of the first.
#include "runtime/debian/deb_file.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>

#include <memory>

#include "runtime/oci/extract_entry.h"
#include "runtime/oci/rooted_dir.h"
#include "runtime/store/unique_fd.h"

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
  return llvm::createStringError(std::errc::illegal_byte_sequence, "%s: %s: %s", what.c_str(), where.c_str(),
                                 message ? message : "malformed");
}

// The ./control file of a control.tar member.
llvm::Expected<std::string> ReadControl(Member& member, const std::string& what, llvm::StringRef name) {
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
    if (path != "./control" && path != "control") continue;
    if (archive_entry_size(file) > (1 << 20)) return ArchiveError(inner.get(), what, "control file too large");
    std::string text;
    char buffer[1 << 14];
    la_ssize_t n;
    while ((n = archive_read_data(inner.get(), buffer, sizeof buffer)) > 0) text.append(buffer, static_cast<size_t>(n));
    if (n < 0) return ArchiveError(inner.get(), what, name.str());
    return text;
  }
  return llvm::createStringError(std::errc::illegal_byte_sequence, "%s: %s has no control file", what.c_str(),
                                 name.str().c_str());
}

}  // namespace

llvm::Expected<std::string> UnpackDeb(const std::string& deb, const std::string& dir, const std::string& what) {
  std::unique_ptr<struct archive, ReadFree> outer(archive_read_new());
  archive_read_support_format_ar(outer.get());
  if (archive_read_open_filename(outer.get(), deb.c_str(), 1 << 16) != ARCHIVE_OK)
    return ArchiveError(outer.get(), what, "not a .deb");
  struct archive_entry* entry;
  int rc;
  std::string control;
  while ((rc = archive_read_next_header(outer.get(), &entry)) == ARCHIVE_OK) {
    llvm::StringRef name = archive_entry_pathname(entry) ? archive_entry_pathname(entry) : "";
    auto member = std::make_unique<Member>();
    member->outer = outer.get();
    if (name.startswith("control.tar")) {
      llvm::Expected<std::string> text = ReadControl(*member, what, name);
      if (!text) return text.takeError();
      control = std::move(*text);
      continue;
    }
    if (!name.startswith("data.tar")) continue;
    if (control.empty())
      return llvm::createStringError(std::errc::illegal_byte_sequence, "%s: no control.tar before data.tar", what.c_str());
    std::unique_ptr<struct archive, ReadFree> inner(archive_read_new());
    archive_read_support_filter_all(inner.get());
    archive_read_support_format_tar(inner.get());
    archive_read_support_format_gnutar(inner.get());
    if (archive_read_open(inner.get(), member.get(), nullptr, ReadMember, nullptr) != ARCHIVE_OK)
      return ArchiveError(inner.get(), what, name.str());
    store::UniqueFd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!root) return llvm::createStringError(std::errc::io_error, "cannot open %s", dir.c_str());
    oci::RootedDir rooted(std::move(root));
    oci::EntryExtractor extractor(rooted, what);
    struct archive_entry* file;
    while ((rc = archive_read_next_header(inner.get(), &file)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
      llvm::StringRef path = archive_entry_pathname(file) ? archive_entry_pathname(file) : "";
      llvm::StringRef base = path.rtrim('/').rsplit('/').second.empty() ? path.rtrim('/') : path.rtrim('/').rsplit('/').second;
      if (base.startswith(".wh."))
        return llvm::createStringError(std::errc::invalid_argument, "%s: refusing the file %s (a whiteout name in a layer)",
                                       what.c_str(), path.str().c_str());
      if (llvm::Error err = extractor.Extract(inner.get(), file)) return err;
    }
    if (rc != ARCHIVE_EOF) return ArchiveError(inner.get(), what, name.str());
    if (llvm::Error err = extractor.Finish()) return std::move(err);
    return control;
  }
  if (rc != ARCHIVE_EOF) return ArchiveError(outer.get(), what, "malformed ar archive");
  return llvm::createStringError(std::errc::illegal_byte_sequence, "%s: the .deb has no data.tar member", what.c_str());
}

}  // namespace strata::debian
