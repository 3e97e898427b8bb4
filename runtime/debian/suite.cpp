// InRelease → gpgv → Release → Packages.xz (sha256 checked) → PackageIndex.
#include "runtime/debian/suite.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <sstream>

#include "compiler/support/file_read.h"
#include "compiler/support/unique_fd.h"
#include "runtime/debian/download.h"
#include "runtime/debian/signature.h"
#include "runtime/store/sha256.h"
#include "runtime/store/temp_file.h"

namespace strata::debian {
namespace {

std::string Trimmed(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// The first http(s) URI of a "deb" source in the host's apt configuration, or "".
std::string HostAptMirror() {
  auto first_http = [](const std::string& text, const std::string& key) -> std::string {
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) {
      std::istringstream words(line);
      std::string word;
      words >> word;
      if (word != key) continue;
      while (words >> word) {
        if (word.front() == '[') {  // "deb [signed-by=...] URL": skip the options
          while (word.back() != ']' && words >> word) {
          }
          continue;
        }
        if (word.rfind("http://", 0) == 0 || word.rfind("https://", 0) == 0) return word;
        break;
      }
    }
    return "";
  };
  auto read = [](const std::string& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  };
  for (const char* path : {"/etc/apt/sources.list.d/debian.sources", "/etc/apt/sources.list"}) {
    std::string text = read(path);
    std::string url =
        first_http(text, std::string(path).find(".sources") != std::string::npos ? "URIs:" : "deb");
    if (!url.empty()) return url;
  }
  return "";
}

}  // namespace

std::optional<std::string> ReadKeptIndex(const store::Store& store, llvm::StringRef sha256,
                                         uint64_t size) {
  std::string digest = "sha256:" + sha256.lower();
  if (!store.HasBlob(digest)) return std::nullopt;
  std::string path = store.BlobPath(digest);
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return std::nullopt;
  llvm::Expected<std::string> text = support::ReadAll(fd.Get(), path, size);
  if (text && store::Sha256Digest(text->data(), text->size()) == digest) return std::move(*text);
  // Damaged (or cut short): not trusted, not kept; the caller makes it again from Packages.xz.
  if (!text) llvm::consumeError(text.takeError());
  ::unlink(path.c_str());
  return std::nullopt;
}

llvm::Expected<std::string> Decompress(const std::string& path, const std::string& what,
                                       uint64_t size_hint) {
  struct archive* a = archive_read_new();
  archive_read_support_filter_all(a);
  archive_read_support_format_raw(a);
  std::string text;
  // Growing a 50 MB string by doubling would copy it again and again (and fault in the pages
  // each time): take the size the Release states, once.
  text.reserve(size_hint);
  struct archive_entry* entry;
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK ||
      archive_read_next_header(a, &entry) != ARCHIVE_OK) {
    std::string message = archive_error_string(a) ? archive_error_string(a) : "unreadable";
    archive_read_free(a);
    return llvm::createStringError(std::errc::illegal_byte_sequence, "%s: %s", what.c_str(),
                                   message.c_str());
  }
  char buffer[1 << 16];
  la_ssize_t n;
  while ((n = archive_read_data(a, buffer, sizeof buffer)) > 0)
    text.append(buffer, static_cast<size_t>(n));
  std::string message = n < 0 && archive_error_string(a) ? archive_error_string(a) : "";
  archive_read_free(a);
  if (n < 0)
    return llvm::createStringError(std::errc::illegal_byte_sequence, "%s: %s", what.c_str(),
                                   message.c_str());
  return text;
}

std::string DefaultMirror() {
  if (const char* mirror = std::getenv("STRATA_DEBIAN_MIRROR"); mirror && *mirror)
    return Trimmed(mirror);
  std::string host = HostAptMirror();
  return Trimmed(host.empty() ? kCanonicalMirror : host);
}

llvm::Expected<Suite> LoadSuite(const store::Store& store, const SuiteSource& source) {
  std::string mirror = Trimmed(source.mirror.empty() ? DefaultMirror() : source.mirror);
  std::string dists = mirror + "/dists/" + source.suite;
  std::string in_release_url = dists + "/InRelease";
  auto fail = [&](llvm::Error err) {
    return llvm::createStringError(std::errc::invalid_argument, "suite \"%s\" at %s: %s",
                                   source.suite.c_str(), mirror.c_str(),
                                   llvm::toString(std::move(err)).c_str());
  };
  llvm::Expected<std::string> signed_text = FetchText(in_release_url);
  if (!signed_text) {
    std::string message = llvm::toString(signed_text.takeError());
    if (message.find("(404)") != std::string::npos)
      return llvm::createStringError(std::errc::no_such_file_or_directory,
                                     "no suite \"%s\" at %s (dists/%s/InRelease is not there)",
                                     source.suite.c_str(), mirror.c_str(), source.suite.c_str());
    return fail(llvm::createStringError(std::errc::io_error, "%s", message.c_str()));
  }
  llvm::Expected<store::TempFile> temp = store::TempFile::Create(store.TmpDir(), 0644);
  if (!temp) return temp.takeError();
  if (::write(temp->Fd(), signed_text->data(), signed_text->size()) !=
      static_cast<ssize_t>(signed_text->size()))
    return llvm::createStringError(std::errc::io_error, "cannot write %s", temp->Path().c_str());
  llvm::Expected<std::string> verified = VerifyClearsigned(
      temp->Path(), {source.keyring.empty() ? DefaultKeyring() : source.keyring}, in_release_url);
  if (!verified) return verified.takeError();

  Suite suite;
  suite.where = source.suite + "/" + source.component + " " + source.arch;
  suite.release_sha256 = store::Sha256Digest(verified->data(), verified->size()).substr(7);
  llvm::Expected<Release> release = ParseRelease(*verified, source.suite);
  if (!release) return fail(release.takeError());
  suite.release = std::move(*release);

  std::string dir = source.component + "/binary-" + source.arch;
  const IndexEntry* entry = suite.release.Find(dir + "/Packages.xz");
  if (!entry)
    return llvm::createStringError(std::errc::no_such_file_or_directory,
                                   "suite \"%s\" at %s has no %s/Packages.xz (is \"%s\" a "
                                   "component and \"%s\" an architecture of it?)",
                                   source.suite.c_str(), mirror.c_str(), dir.c_str(),
                                   source.component.c_str(), source.arch.c_str());
  std::string url = suite.release.by_hash ? dists + "/" + dir + "/by-hash/SHA256/" + entry->sha256
                                          : dists + "/" + dir + "/Packages.xz";
  const IndexEntry* plain = suite.release.Find(dir + "/Packages");
  // Decompressing the index costs several times what parsing it does, so the plain text is kept
  // in the store too (named by the sha256 the Release gives it) and read from there next time;
  // either way it is hashed and checked against the Release before it is parsed.
  std::optional<std::string> text;
  if (plain) {
    suite.plain_index_sha256 = llvm::StringRef(plain->sha256).lower();
    text = ReadKeptIndex(store, suite.plain_index_sha256, plain->size);
  }
  bool kept = text.has_value();  // already checked against the Release
  if (!text) {
    llvm::Expected<std::string> blob =
        FetchBlob(store, url, entry->sha256, "the " + suite.where + " Packages index", entry->size);
    if (!blob) return blob.takeError();
    suite.index_sha256 = entry->sha256;
    llvm::Expected<std::string> decompressed = Decompress(
        *blob, "the " + suite.where + " Packages index", plain ? plain->size : entry->size * 6);
    if (!decompressed) return decompressed.takeError();
    text = std::move(*decompressed);
  }
  if (plain && !kept) {
    std::string actual = store::Sha256Digest(text->data(), text->size()).substr(7);
    if (actual != suite.plain_index_sha256)
      return llvm::createStringError(std::errc::illegal_byte_sequence,
                                     "the %s Packages index: sha256 %s, but the Release says %s",
                                     suite.where.c_str(), actual.c_str(), plain->sha256.c_str());
    llvm::Expected<std::string> put = store.PutBlobBytes(*text);
    if (!put) return put.takeError();
  }
  llvm::Expected<std::unique_ptr<PackageIndex>> index =
      PackageIndex::Parse(std::move(*text), source.arch, url);
  if (!index) return index.takeError();
  suite.index = std::move(*index);
  return suite;
}

}  // namespace strata::debian
