// TarFileWriter: sorted, zero-mtime, root-owned tar entries written with libarchive.
#include "runtime/oci/tar_file_writer.h"

#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <vector>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/oci/file_copy.h"

namespace strata::oci {
namespace {

struct EntryFree {
  void operator()(struct archive_entry* e) const { archive_entry_free(e); }
};

}  // namespace

llvm::Expected<TarFileWriter> TarFileWriter::Create(const std::string& dest) {
  llvm::Expected<store::TempFile> file = store::TempFile::Create(ParentDir(dest), 0644);
  if (!file) return file.takeError();
  std::unique_ptr<struct archive, ArchiveFree> a(archive_write_new());
  if (!a) return support::MakeError(std::errc::not_enough_memory, "tar: out of memory");
  archive_write_set_format_pax_restricted(a.get());
  if (archive_write_open_fd(a.get(), file->Fd()) != ARCHIVE_OK)
    return support::MakeError(std::errc::io_error, "tar: cannot open " + file->Path());
  return TarFileWriter(std::move(*file), dest, std::move(a));
}

llvm::Error TarFileWriter::ArchiveError(const std::string& what) {
  const char* msg = archive_error_string(archive_.get());
  return support::MakeError(std::errc::io_error,
                            dest_ + ": tar: " + what + ": " + (msg ? msg : "unknown error"));
}

llvm::Error TarFileWriter::Header(const std::string& path, bool directory, uint64_t size) {
  if (!last_path_.empty() && path <= last_path_)
    return support::MakeError(std::errc::invalid_argument, "tar entries out of order: '" + path +
                                                               "' after '" + last_path_ + "'");
  last_path_ = path;
  std::unique_ptr<struct archive_entry, EntryFree> e(archive_entry_new());
  archive_entry_copy_pathname(e.get(), path.c_str());
  archive_entry_set_filetype(e.get(), directory ? AE_IFDIR : AE_IFREG);
  archive_entry_set_perm(e.get(), directory ? 0755 : 0644);
  archive_entry_set_uid(e.get(), 0);
  archive_entry_set_gid(e.get(), 0);
  archive_entry_set_mtime(e.get(), 0, 0);
  archive_entry_set_size(e.get(), directory ? 0 : static_cast<la_int64_t>(size));
  if (archive_write_header(archive_.get(), e.get()) != ARCHIVE_OK) return ArchiveError(path);
  return llvm::Error::success();
}

llvm::Error TarFileWriter::AddDirectory(const std::string& path) { return Header(path, true, 0); }

llvm::Error TarFileWriter::AddBytes(const std::string& path, const std::string& bytes) {
  if (llvm::Error err = Header(path, false, bytes.size())) return err;
  if (!bytes.empty() && archive_write_data(archive_.get(), bytes.data(), bytes.size()) < 0)
    return ArchiveError(path);
  return llvm::Error::success();
}

llvm::Error TarFileWriter::AddFile(const std::string& path, const std::string& source) {
  support::UniqueFd fd(::open(source.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return support::ErrnoError(errno, "cannot open", source);
  struct stat st;
  if (::fstat(fd.Get(), &st) != 0) return support::ErrnoError(errno, "cannot stat", source);
  uint64_t size = static_cast<uint64_t>(st.st_size);
  if (llvm::Error err = Header(path, false, size)) return err;
  std::vector<char> buf(1 << 20);
  while (size > 0) {
    ssize_t n = ::read(fd.Get(), buf.data(), std::min<uint64_t>(buf.size(), size));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return support::ErrnoError(errno, "cannot read", source);
    if (n == 0)
      return support::MakeError(std::errc::io_error, source + ": file shrank while archiving");
    if (archive_write_data(archive_.get(), buf.data(), static_cast<size_t>(n)) < 0)
      return ArchiveError(path);
    size -= static_cast<uint64_t>(n);
  }
  return llvm::Error::success();
}

llvm::Error TarFileWriter::Commit() {
  if (archive_write_close(archive_.get()) != ARCHIVE_OK) return ArchiveError("close");
  return file_.CommitReplace(dest_);
}

}  // namespace strata::oci
