// ReadTarIndex: a strict reader of the headers of the tars WriteLayer writes.
#include "runtime/oci/tar_index.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <map>
#include <mutex>

#include "compiler/support/unique_fd.h"
#include "runtime/oci/file_capability.h"

namespace strata::oci {
namespace {

constexpr size_t kBlock = 512;

llvm::Error Bad(const std::string& path, const std::string& why) {
  return llvm::createStringError(std::make_error_code(std::errc::invalid_argument),
                                 "not a plain layer tar (" + why + "): " + path);
}

// An octal field (NUL- or space-terminated, maybe space-padded); false when it is anything
// else (base-256 numbers are written as pax records by WriteLayer).
bool Octal(const char* field, size_t width, uint64_t& value) {
  value = 0;
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  bool digits = false;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    value = value * 8 + static_cast<uint64_t>(field[i] - '0');
    digits = true;
  }
  for (; i < width; ++i)
    if (field[i] != '\0' && field[i] != ' ') return false;
  return digits;
}

std::string Field(const char* field, size_t width) {
  return std::string(field, strnlen(field, width));
}

bool ChecksumMatches(const unsigned char* header) {
  uint64_t stored = 0;
  if (!Octal(reinterpret_cast<const char*>(header) + 148, 8, stored)) return false;
  uint64_t sum = 0;
  for (size_t i = 0; i < kBlock; ++i) sum += (i >= 148 && i < 156) ? ' ' : header[i];
  return sum == stored;
}

bool ReadFully(int fd, void* buffer, size_t length, uint64_t offset) {
  size_t done = 0;
  while (done < length) {
    ssize_t n = ::pread(fd, static_cast<char*>(buffer) + done, length - done,
                        static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

// Pax records "LEN key=value\n" that override the next header's fields.
struct PaxOverrides {
  bool has_path = false, has_link = false, has_size = false, has_uid = false, has_gid = false;
  std::string path, link, capability;
  uint64_t size = 0, uid = 0, gid = 0;
};

bool ParseNumber(const std::string& text, uint64_t& value) {
  if (text.empty() || text.size() > 19) return false;
  value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

bool ParsePax(const std::string& data, PaxOverrides& pax) {
  size_t at = 0;
  while (at < data.size()) {
    size_t space = data.find(' ', at);
    if (space == std::string::npos) return false;
    uint64_t length = 0;
    if (!ParseNumber(data.substr(at, space - at), length) || length < 5 ||
        at + length > data.size() || data[at + length - 1] != '\n')
      return false;
    std::string record = data.substr(space + 1, at + length - 1 - (space + 1));
    at += length;
    size_t equals = record.find('=');
    if (equals == std::string::npos) return false;
    std::string key = record.substr(0, equals), value = record.substr(equals + 1);
    if (key == "path") {
      pax.has_path = true, pax.path = value;
    } else if (key == "linkpath") {
      pax.has_link = true, pax.link = value;
    } else if (key == "size") {
      if (!(pax.has_size = ParseNumber(value, pax.size))) return false;
    } else if (key == "uid") {
      if (!(pax.has_uid = ParseNumber(value, pax.uid))) return false;
    } else if (key == "gid") {
      if (!(pax.has_gid = ParseNumber(value, pax.gid))) return false;
    } else if (key == std::string("SCHILY.xattr.") + kCapabilityXattr) {
      pax.capability = value;
    } else {
      return false;  // a record WriteLayer does not write (xattrs, times): not ours
    }
  }
  return true;
}

uint64_t Padded(uint64_t size) { return (size + kBlock - 1) / kBlock * kBlock; }

// A path as WriteLayer writes it: names joined by single slashes, none "." or "..", or "." alone
// (another writer's root entry). The extractor reads "a//b", "a/./b" and "/a" as "a/b", so an
// index keyed by such spellings would miss entries that hide a lower layer's.
bool IsCanonical(const std::string& path) {
  if (path == ".") return true;
  size_t begin = 0;
  while (begin <= path.size()) {
    size_t end = std::min(path.find('/', begin), path.size());
    size_t length = end - begin;
    if (length == 0 || (length == 1 && path[begin] == '.') ||
        (length == 2 && path.compare(begin, 2, "..") == 0))
      return false;
    begin = end + 1;
  }
  return true;
}

}  // namespace

llvm::Expected<std::vector<TarIndexEntry>> ReadTarIndex(const std::string& path) {
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return Bad(path, std::string("cannot open: ") + std::strerror(errno));
  std::vector<TarIndexEntry> entries;
  uint64_t offset = 0;
  PaxOverrides pax;
  bool pending_pax = false;
  unsigned char header[kBlock];
  while (true) {
    if (!ReadFully(fd.Get(), header, kBlock, offset)) return Bad(path, "truncated");
    offset += kBlock;
    bool zero = true;
    for (unsigned char byte : header) zero = zero && byte == 0;
    if (zero) {
      if (pending_pax) return Bad(path, "pax header at the end");
      return entries;
    }
    if (!ChecksumMatches(header)) return Bad(path, "header checksum");
    const char* h = reinterpret_cast<const char*>(header);
    if (std::memcmp(h + 257, "ustar", 5) != 0) return Bad(path, "not ustar");
    uint64_t size = 0, mode = 0, uid = 0, gid = 0;
    if (!Octal(h + 124, 12, size) || !Octal(h + 100, 8, mode) || !Octal(h + 108, 8, uid) ||
        !Octal(h + 116, 8, gid))
      return Bad(path, "numeric field");
    char type = h[156];
    if (type == 'x') {
      if (pending_pax || size > (1 << 20)) return Bad(path, "pax header");
      std::string data(static_cast<size_t>(size), '\0');
      if (!ReadFully(fd.Get(), data.data(), data.size(), offset)) return Bad(path, "truncated");
      offset += Padded(size);
      pax = PaxOverrides();
      if (!ParsePax(data, pax)) return Bad(path, "pax record");
      pending_pax = true;
      continue;
    }
    TarIndexEntry entry;
    std::string name = Field(h, 100);
    // GNU's format ("ustar  \0") has its atime and ctime where ustar has the name prefix.
    bool gnu = std::memcmp(h + 257, "ustar  \0", 8) == 0;
    std::string prefix = gnu ? std::string() : Field(h + 345, 155);
    entry.path = prefix.empty() ? name : prefix + "/" + name;
    entry.link = Field(h + 157, 100);
    if (pending_pax) {
      if (pax.has_path) entry.path = pax.path;
      if (pax.has_link) entry.link = pax.link;
      if (pax.has_size) size = pax.size;
      if (pax.has_uid) uid = pax.uid;
      if (pax.has_gid) gid = pax.gid;
      if (type == '0' || type == '\0') entry.capability = pax.capability;
      pending_pax = false;
    }
    // libarchive reads a regular file entry named "dir/" (old tars) as a directory.
    bool slash_ended = !entry.path.empty() && entry.path.back() == '/';
    if (slash_ended && (type == '0' || type == '\0'))
      return Bad(path, "a file named as a directory");
    while (!entry.path.empty() && entry.path.back() == '/') entry.path.pop_back();
    if (entry.path.rfind("./", 0) == 0) entry.path.erase(0, 2);
    if (entry.path.empty()) return Bad(path, "empty name");
    if (!IsCanonical(entry.path)) return Bad(path, "entry name '" + entry.path + "'");
    entry.mode = static_cast<uint32_t>(mode & 07777);
    if (type == '3' || type == '4') {
      uint64_t major = 0, minor = 0;
      if (!Octal(h + 329, 8, major) || !Octal(h + 337, 8, minor)) return Bad(path, "device");
      entry.rdev_major = static_cast<uint32_t>(major);
      entry.rdev_minor = static_cast<uint32_t>(minor);
    }
    entry.uid = static_cast<uint32_t>(uid);
    entry.gid = static_cast<uint32_t>(gid);
    switch (type) {
      case '0':
      case '\0':
        entry.kind = EntryKind::kFile;
        entry.size = size;
        entry.data_offset = offset;
        break;
      case '1':
        entry.kind = EntryKind::kHardlink;
        break;
      case '2':
        entry.kind = EntryKind::kSymlink;
        break;
      case '3':
        entry.kind = EntryKind::kCharDevice;
        break;
      case '4':
        entry.kind = EntryKind::kBlockDevice;
        break;
      case '5':
        entry.kind = EntryKind::kDir;
        break;
      case '6':
        entry.kind = EntryKind::kFifo;
        break;
      default:
        return Bad(path, std::string("entry type '") + type + "'");
    }
    if (entry.kind != EntryKind::kFile && size != 0) return Bad(path, "data on a non-file");
    offset += Padded(size);
    entries.push_back(std::move(entry));
  }
}

namespace {
std::mutex listings_mutex;
std::map<std::string, std::shared_ptr<const std::vector<TarIndexEntry>>> listings;
}  // namespace

void RememberListing(const std::string& diff_id, const std::vector<TreeEntry>& entries) {
  auto listing = std::make_shared<std::vector<TarIndexEntry>>();
  listing->reserve(entries.size());
  for (const TreeEntry& entry : entries) {
    TarIndexEntry item;
    item.path = entry.tar_path;
    item.kind = entry.kind;
    item.mode = entry.mode;
    item.uid = entry.uid;
    item.gid = entry.gid;
    item.size = entry.kind == EntryKind::kFile ? entry.size : 0;
    item.link = entry.link;
    item.rdev_major = entry.rdev_major;
    item.rdev_minor = entry.rdev_minor;
    item.capability = entry.kind == EntryKind::kFile ? entry.capability : std::string();
    listing->push_back(std::move(item));
  }
  std::lock_guard<std::mutex> lock(listings_mutex);
  listings[diff_id] = std::move(listing);
}

std::shared_ptr<const std::vector<TarIndexEntry>> RememberedListing(const std::string& diff_id) {
  std::lock_guard<std::mutex> lock(listings_mutex);
  auto it = listings.find(diff_id);
  return it == listings.end() ? nullptr : it->second;
}

}  // namespace strata::oci
