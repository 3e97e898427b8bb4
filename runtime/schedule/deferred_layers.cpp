// Deferred layers: the plain tar compressed on demand, memoized by (diff_id, algorithm, level).
#include "runtime/schedule/deferred_layers.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "compiler/support/errno_error.h"
#include "compiler/support/unique_fd.h"
#include "runtime/oci/compressor.h"
#include "runtime/schedule/node_output.h"
#include "runtime/store/sha256.h"

namespace strata::schedule {
namespace {

constexpr size_t kReadChunk = size_t{1} << 20;

const char* AlgorithmName(oci::Compression kind) {
  switch (kind) {
    case oci::Compression::kGzip:
      return "gzip";
    case oci::Compression::kZstd:
      return "zstd";
    case oci::Compression::kNone:
      break;
  }
  return "none";
}

int EffectiveLevel(const oci::LayerOptions& options) {
  return options.level >= 0 ? options.level : oci::DefaultLevel(options.compression);
}

class BlobSink final : public oci::ByteSink {
 public:
  explicit BlobSink(store::BlobWriter& writer) : writer_(writer) {}
  llvm::Error Write(const char* data, size_t size) override { return writer_.Write(data, size); }

 private:
  store::BlobWriter& writer_;
};

// The memo's layer when it is usable: a compressed form of `diff_id` with the expected media
// type, whose blob is in the store with the recorded size.
std::optional<oci::LayerDescriptor> ReadMemo(const store::Store& store, const std::string& key,
                                             const std::string& diff_id, const char* media_type) {
  llvm::Expected<std::optional<nlohmann::json>> record = store.GetNodeRecord(key);
  if (!record) {
    llvm::consumeError(record.takeError());  // a corrupt memo: made again
    return std::nullopt;
  }
  if (!*record) return std::nullopt;
  llvm::Expected<NodeOutput> output = FromRecord(store, **record);
  if (!output) {
    llvm::consumeError(output.takeError());
    return std::nullopt;
  }
  if (!output->IsStage() || output->image.layers.size() != 1) return std::nullopt;
  const oci::LayerDescriptor& layer = output->image.layers.front();
  if (layer.deferred || layer.diff_id != diff_id || layer.media_type != media_type)
    return std::nullopt;
  struct stat st;
  std::string path = store.BlobPath(layer.digest);
  if (path.empty() || ::stat(path.c_str(), &st) != 0 ||
      static_cast<uint64_t>(st.st_size) != layer.size)
    return std::nullopt;
  return layer;
}

// Reads the tar blob `diff_id` through the compressor into a new blob.
llvm::Expected<oci::LayerDescriptor> Compress(const store::Store& store, const std::string& diff_id,
                                              const oci::LayerOptions& options) {
  // The tar is about to leave the store in another form: its bytes must be its name.
  if (llvm::Error err = store.CheckBlob(diff_id)) return err;
  std::string path = store.BlobPath(diff_id);
  support::UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return support::ErrnoError(errno, "cannot open", path);
  ::posix_fadvise(fd.Get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  llvm::Expected<store::BlobWriter> writer = store.NewBlobWriter();
  if (!writer) return writer.takeError();
  BlobSink sink(*writer);
  llvm::Expected<std::unique_ptr<oci::Compressor>> compressor =
      oci::MakeCompressor(options.compression, sink, options.threads, options.level);
  if (!compressor) return compressor.takeError();
  std::vector<char> buffer(kReadChunk);
  for (;;) {
    ssize_t got = ::read(fd.Get(), buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return support::ErrnoError(errno, "cannot read", path);
    if (got == 0) break;
    if (llvm::Error err = (*compressor)->Write(buffer.data(), static_cast<size_t>(got))) return err;
  }
  if (llvm::Error err = (*compressor)->Finish()) return err;
  oci::LayerDescriptor layer;
  layer.diff_id = diff_id;
  layer.size = writer->Size();
  llvm::Expected<std::string> digest = writer->Commit();
  if (!digest) return digest.takeError();
  layer.digest = std::move(*digest);
  layer.media_type = oci::LayerMediaType(options.compression);
  return layer;
}

}  // namespace

std::string CompressedLayerKey(const std::string& diff_id, const oci::LayerOptions& options) {
  std::string text = "strata-compressed-layer-v1\n" + diff_id + "\n" +
                     AlgorithmName(options.compression) + "\n" +
                     std::to_string(EffectiveLevel(options)) + "\n";
  // Another encoder's memo is not found (a zlib-era memo, or a zstd one before libzstd's
  // version was named, has no such line).
  text += oci::EncoderKeyLine(options.compression);
  std::string digest = store::Sha256Digest(text.data(), text.size());
  return digest.substr(7, 32);
}

bool HasDeferredLayers(const oci::Image& image) {
  for (const oci::LayerDescriptor& layer : image.layers)
    if (layer.deferred) return true;
  return false;
}

llvm::Expected<oci::Image> CompressDeferredLayers(const store::Store& store,
                                                  const oci::Image& image,
                                                  const oci::LayerOptions& options,
                                                  std::vector<std::string>* memo_keys) {
  oci::Image out = image;
  for (oci::LayerDescriptor& layer : out.layers) {
    if (!layer.deferred) continue;
    if (options.compression == oci::Compression::kNone) {  // the tar is the layer
      layer.deferred = false;
      continue;
    }
    const char* media_type = oci::LayerMediaType(options.compression);
    std::string key = CompressedLayerKey(layer.diff_id, options);
    // One compression per store at a time: a second build waits and takes the memo.
    llvm::Expected<store::KeyLock> lock = store.LockKey(key);
    if (!lock) return lock.takeError();
    std::optional<oci::LayerDescriptor> memo = ReadMemo(store, key, layer.diff_id, media_type);
    if (!memo) {
      llvm::Expected<oci::LayerDescriptor> made = Compress(store, layer.diff_id, options);
      if (!made) return made.takeError();
      oci::Image single;
      single.layers.push_back(*made);
      // Written after the blob is durable: a memo on disk always names a complete blob.
      if (llvm::Error err = store.PutNodeRecord(
              key, ToRecord(store, NodeOutput::Stage(std::move(single)), "compress", {})))
        return err;
      memo = std::move(*made);
    }
    layer = std::move(*memo);
    if (memo_keys) memo_keys->push_back(key);
  }
  return out;
}

}  // namespace strata::schedule
