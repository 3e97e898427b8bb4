// ImportDockerArchive: two passes over a `docker save` tar — first its JSON files and links,
// then the layer files named by manifest.json, streamed into the store.
#include <archive.h>
#include <archive_entry.h>

#include <map>
#include <memory>
#include <vector>

#include "compiler/support/errno_error.h"
#include "llvm/ADT/StringRef.h"
#include "runtime/oci/image_import.h"
#include "runtime/oci/image_json.h"
#include "runtime/oci/image_reader.h"
#include "runtime/oci/layer_stream.h"
#include "runtime/store/names.h"
#include "runtime/store/temp_file.h"

namespace strata::oci {
namespace {

constexpr int64_t kMaxJsonSize = 64 << 20;
constexpr int64_t kMaxSmallFile = 1 << 20;
constexpr int kMaxLinkHops = 32;

struct ArchiveFree {
  void operator()(struct archive* a) const { archive_read_free(a); }
};
using ArchivePtr = std::unique_ptr<struct archive, ArchiveFree>;

struct TarItem {
  mode_t type = 0;
  std::string link;  // symlink target or hard link path
  bool hardlink = false;
};

struct LayerResult {
  std::string digest, media_type;
  uint64_t size = 0;
};

llvm::Error Bad(const std::string& message) {
  return support::MakeError(std::errc::invalid_argument, message);
}

// Lexical normalization inside the archive ("./a/../b" -> "b"); "" when it climbs out.
std::string Normalize(llvm::StringRef path) {
  llvm::SmallVector<llvm::StringRef, 8> parts, out;
  path.split(parts, '/');
  for (llvm::StringRef part : parts) {
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (out.empty()) return "";
      out.pop_back();
    } else {
      out.push_back(part);
    }
  }
  std::string joined;
  for (llvm::StringRef part : out) joined += (joined.empty() ? "" : "/") + part.str();
  return joined;
}

// `docker save` writes "busybox:latest", skopeo "docker.io/library/busybox:latest": both
// become "busybox:latest" (and a missing tag means ":latest").
std::string FamiliarRef(llvm::StringRef ref) {
  size_t slash = ref.rfind('/'), colon = ref.rfind(':');
  bool tagged = colon != llvm::StringRef::npos && (slash == llvm::StringRef::npos || colon > slash);
  std::string full = tagged ? ref.str() : ref.str() + ":latest";
  llvm::StringRef familiar(full);
  familiar.consume_front("docker.io/");
  if (familiar.startswith("library/") && familiar.drop_front(8).find('/') == llvm::StringRef::npos)
    familiar = familiar.drop_front(8);
  return familiar.str();
}

class ArchiveReader {
 public:
  // Without a store only the config can be read (ReadConfig).
  ArchiveReader(const store::Store* store, std::string file)
      : store_(store), file_(std::move(file)) {}
  llvm::Expected<Image> Read(const std::string& ref);
  // The image's config (Image::layers empty) and, when asked, its diff_ids and its
  // manifest.json entry's Layers.
  llvm::Expected<Image> ReadConfig(const std::string& ref,
                                   std::vector<std::string>* diff_ids = nullptr,
                                   nlohmann::json* layer_names = nullptr);

 private:
  llvm::Expected<ArchivePtr> Open();
  llvm::Error ArchiveError(struct archive* a, const std::string& what);
  llvm::Error ScanPass();
  llvm::Expected<std::string> Resolve(const std::string& path);
  llvm::Error CopyLayers(const std::map<std::string, std::string>& expected_diff_ids);
  llvm::Expected<LayerResult> CopyLayer(struct archive* a, const std::string& path,
                                        const std::string& diff_id);

  const store::Store* store_;
  std::string file_;
  std::map<std::string, TarItem> items_;
  std::map<std::string, std::string> json_;
  std::map<std::string, LayerResult> layers_;
  int64_t small_budget_ = 64 << 20;
};

llvm::Error ArchiveReader::ArchiveError(struct archive* a, const std::string& what) {
  const char* msg = archive_error_string(a);
  return support::MakeError(std::errc::io_error,
                            file_ + ": " + what + ": " + (msg ? msg : "not a tar archive"));
}

llvm::Expected<ArchivePtr> ArchiveReader::Open() {
  ArchivePtr a(archive_read_new());
  if (!a) return support::MakeError(std::errc::not_enough_memory, "out of memory");
  archive_read_support_filter_gzip(a.get());
  archive_read_support_filter_zstd(a.get());
  archive_read_support_format_tar(a.get());
  archive_read_support_format_gnutar(a.get());
  if (archive_read_open_filename(a.get(), file_.c_str(), 1 << 20) != ARCHIVE_OK)
    return ArchiveError(a.get(), "cannot open");
  return a;
}

llvm::Error ArchiveReader::ScanPass() {
  llvm::Expected<ArchivePtr> a = Open();
  if (!a) return a.takeError();
  struct archive_entry* e;
  int rc;
  while ((rc = archive_read_next_header(a->get(), &e)) == ARCHIVE_OK) {
    std::string path = Normalize(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
    if (path.empty()) continue;
    TarItem item;
    item.type = archive_entry_filetype(e);
    if (const char* hard = archive_entry_hardlink(e)) {
      item.hardlink = true;
      item.link = hard;
    } else if (item.type == AE_IFLNK && archive_entry_symlink(e)) {
      item.link = archive_entry_symlink(e);
    }
    // JSON documents are kept for the second step. Docker 25+ names the config
    // blobs/sha256/<hex>, so small files of any name are kept too (within a budget).
    llvm::StringRef name(path);
    int64_t size = archive_entry_size(e);
    bool small = size <= kMaxSmallFile && small_budget_ >= size;
    if (item.type == AE_IFREG && !item.hardlink &&
        ((name.endswith("json") && size <= kMaxJsonSize) || small)) {
      if (!name.endswith("json")) small_budget_ -= size;
      std::string& bytes = json_[path];
      bytes.resize(static_cast<size_t>(size));
      for (size_t done = 0; done < bytes.size();) {
        la_ssize_t n = archive_read_data(a->get(), bytes.data() + done, bytes.size() - done);
        if (n <= 0) return ArchiveError(a->get(), path);
        done += static_cast<size_t>(n);
      }
    }
    items_[path] = std::move(item);
  }
  if (rc != ARCHIVE_EOF) return ArchiveError(a->get(), "cannot read");
  return llvm::Error::success();
}

llvm::Expected<std::string> ArchiveReader::Resolve(const std::string& name) {
  std::string path = Normalize(name);
  for (int hop = 0; hop < kMaxLinkHops; ++hop) {
    auto it = items_.find(path);
    if (path.empty() || it == items_.end())
      return Bad(file_ + ": '" + name + "' is not in the archive");
    const TarItem& item = it->second;
    if (item.hardlink) {
      path = Normalize(item.link);
    } else if (item.type == AE_IFLNK) {
      llvm::StringRef dir = llvm::StringRef(path).rsplit('/').first;
      bool top = path.find('/') == std::string::npos;
      path = Normalize(item.link[0] == '/' || top ? item.link : dir.str() + "/" + item.link);
    } else if (item.type == AE_IFREG) {
      return path;
    } else {
      return Bad(file_ + ": '" + name + "' is not a file");
    }
  }
  return Bad(file_ + ": '" + name + "': too many links");
}

llvm::Expected<LayerResult> ArchiveReader::CopyLayer(struct archive* a, const std::string& path,
                                                     const std::string& diff_id) {
  llvm::Expected<store::BlobWriter> writer = store_->NewBlobWriter();
  if (!writer) return writer.takeError();
  std::vector<char> buf(1 << 20);
  LayerResult result;
  bool first = true;
  for (;;) {
    la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
    if (n < 0) return ArchiveError(a, path);
    if (n == 0) break;
    if (first) {
      std::string kind =
          SniffCompression(reinterpret_cast<unsigned char*>(buf.data()), static_cast<size_t>(n));
      result.media_type =
          std::string("application/vnd.oci.image.layer.v1.tar") + (kind.empty() ? "" : "+" + kind);
      first = false;
    }
    if (llvm::Error err = writer->Write(buf.data(), static_cast<size_t>(n))) return err;
  }
  if (first) return Bad(file_ + ": layer '" + path + "' is empty");
  result.size = writer->Size();
  // An uncompressed layer is its own diff_id; anything else is checked when it is extracted.
  llvm::Expected<std::string> digest = result.media_type == "application/vnd.oci.image.layer.v1.tar"
                                           ? writer->CommitExpecting(diff_id)
                                           : writer->Commit();
  if (!digest) return Bad(file_ + ": layer '" + path + "': " + llvm::toString(digest.takeError()));
  result.digest = *digest;
  return result;
}

llvm::Error ArchiveReader::CopyLayers(const std::map<std::string, std::string>& expected) {
  llvm::Expected<ArchivePtr> a = Open();
  if (!a) return a.takeError();
  struct archive_entry* e;
  int rc;
  while (layers_.size() < expected.size() &&
         (rc = archive_read_next_header(a->get(), &e)) == ARCHIVE_OK) {
    std::string path = Normalize(archive_entry_pathname(e) ? archive_entry_pathname(e) : "");
    auto it = expected.find(path);
    if (it == expected.end() || layers_.count(path) || archive_entry_hardlink(e) ||
        archive_entry_filetype(e) != AE_IFREG)
      continue;
    llvm::Expected<LayerResult> layer = CopyLayer(a->get(), path, it->second);
    if (!layer) return layer.takeError();
    layers_[path] = std::move(*layer);
  }
  if (layers_.size() < expected.size()) return Bad(file_ + ": layer files are missing");
  return llvm::Error::success();
}

llvm::Expected<Image> ArchiveReader::ReadConfig(const std::string& ref,
                                                std::vector<std::string>* diff_ids_out,
                                                nlohmann::json* layer_names_out) {
  if (llvm::Error err = ScanPass()) return err;
  auto manifest_it = json_.find("manifest.json");
  if (manifest_it == json_.end()) {
    if (items_.count("index.json") && items_.count("oci-layout"))
      return Bad(file_ +
                 ": an oci-archive, not a docker-archive; unpack it and import the directory");
    return Bad(file_ + ": not a docker-archive (no manifest.json)");
  }
  nlohmann::json manifest = nlohmann::json::parse(manifest_it->second, nullptr, false);
  if (!manifest.is_array() || manifest.empty())
    return Bad(file_ + ": manifest.json is not a list of images");
  nlohmann::json chosen;
  if (ref.empty()) {
    if (manifest.size() != 1)
      return Bad(file_ + ": the archive holds " + std::to_string(manifest.size()) +
                 " images; name one as " + file_ + ":REF");
    chosen = manifest[0];
  } else {
    std::string wanted = FamiliarRef(ref);
    for (const nlohmann::json& entry : manifest) {
      if (!entry.is_object() || !entry.contains("RepoTags") || !entry["RepoTags"].is_array())
        continue;
      for (const nlohmann::json& tag : entry["RepoTags"])
        if (tag.is_string() && FamiliarRef(tag.get<std::string>()) == wanted) chosen = entry;
    }
    if (chosen.is_null()) return Bad(file_ + ": no image tagged '" + ref + "' in the archive");
  }
  if (!chosen.is_object() || !chosen.contains("Config") || !chosen["Config"].is_string() ||
      !chosen.contains("Layers") || !chosen["Layers"].is_array())
    return Bad(file_ + ": manifest.json entry without Config and Layers");

  llvm::Expected<std::string> config_path = Resolve(chosen["Config"].get<std::string>());
  if (!config_path) return config_path.takeError();
  auto config_it = json_.find(*config_path);
  if (config_it == json_.end())
    return Bad(file_ + ": cannot read the image config " + *config_path);
  nlohmann::json config = nlohmann::json::parse(config_it->second, nullptr, false);
  Image image;
  llvm::Expected<std::vector<std::string>> diff_ids =
      ReadConfigJson(config, file_ + ": " + *config_path, image);
  if (!diff_ids) return diff_ids.takeError();
  if (diff_ids_out) *diff_ids_out = std::move(*diff_ids);
  if (layer_names_out) *layer_names_out = chosen["Layers"];
  return image;
}

llvm::Expected<Image> ArchiveReader::Read(const std::string& ref) {
  std::vector<std::string> diff_ids;
  nlohmann::json layer_names;
  llvm::Expected<Image> read = ReadConfig(ref, &diff_ids, &layer_names);
  if (!read) return read.takeError();
  Image image = std::move(*read);
  if (layer_names.size() != diff_ids.size())
    return Bad(file_ + ": " + std::to_string(diff_ids.size()) + " diff_ids for " +
               std::to_string(layer_names.size()) + " layers");

  std::vector<std::string> physical;
  std::map<std::string, std::string> expected;
  for (size_t i = 0; i < layer_names.size(); ++i) {
    if (!layer_names[i].is_string()) return Bad(file_ + ": a layer name is not a string");
    llvm::Expected<std::string> path = Resolve(layer_names[i].get<std::string>());
    if (!path) return path.takeError();
    auto [it, added] = expected.emplace(*path, diff_ids[i]);
    if (!added && it->second != diff_ids[i])
      return Bad(file_ + ": layer file '" + *path + "' is used with two diff_ids");
    physical.push_back(*path);
  }
  if (llvm::Error err = CopyLayers(expected)) return err;
  for (size_t i = 0; i < physical.size(); ++i) {
    const LayerResult& result = layers_[physical[i]];
    image.layers.push_back({result.digest, diff_ids[i], result.size, result.media_type});
  }
  return image;
}

}  // namespace

llvm::Expected<Image> ImportDockerArchive(const store::Store& store, const std::string& file,
                                          const std::string& ref) {
  return ArchiveReader(&store, file).Read(ref);
}

llvm::Expected<Image> ReadDockerArchiveConfig(const std::string& file, const std::string& ref) {
  return ArchiveReader(nullptr, file).ReadConfig(ref);
}

}  // namespace strata::oci
