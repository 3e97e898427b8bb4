// strata_layer_bench: writes one directory as an OCI layer into a store and reports its speed.
//   strata_layer_bench STORE_DIR TREE_DIR [gzip|zstd|none] [THREADS]
// STORE_DIR "-" streams the layer to a null sink instead (no disk writes, no fsync), to
// separate the pipeline's cost from the disk's.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "runtime/oci/layer_writer.h"

namespace {

class NullSink final : public strata::oci::ByteSink {
 public:
  llvm::Error Write(const char*, size_t size) override {
    size_ += size;
    return llvm::Error::success();
  }
  uint64_t size_ = 0;
};

int RunWithoutStore(const char* tree, const strata::oci::LayerOptions& options) {
  NullSink sink;
  std::string diff_id;
  auto start = std::chrono::steady_clock::now();
  llvm::Error err = strata::oci::WriteLayerStream(tree, options, sink, diff_id);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (err) {
    std::fprintf(stderr, "error: %s\n", llvm::toString(std::move(err)).c_str());
    return 1;
  }
  std::printf("{\"size\": %llu, \"diff_id\": \"%s\", \"seconds\": %.3f}\n",
              static_cast<unsigned long long>(sink.size_), diff_id.c_str(), seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: %s STORE_DIR TREE_DIR [gzip|zstd|none] [THREADS]\n", argv[0]);
    return 2;
  }
  strata::oci::LayerOptions options;
  std::string kind = argc > 3 ? argv[3] : "gzip";
  if (kind == "zstd")
    options.compression = strata::oci::Compression::kZstd;
  else if (kind == "none")
    options.compression = strata::oci::Compression::kNone;
  else if (kind != "gzip") {
    std::fprintf(stderr, "unknown compression '%s'\n", kind.c_str());
    return 2;
  }
  if (argc > 4) options.threads = std::atoi(argv[4]);

  if (std::strcmp(argv[1], "-") == 0) return RunWithoutStore(argv[2], options);
  llvm::Expected<strata::store::Store> store = strata::store::Store::Open(argv[1]);
  if (!store) {
    std::fprintf(stderr, "error: %s\n", llvm::toString(store.takeError()).c_str());
    return 1;
  }
  auto start = std::chrono::steady_clock::now();
  llvm::Expected<strata::oci::LayerDescriptor> layer =
      strata::oci::WriteLayer(*store, argv[2], options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!layer) {
    std::fprintf(stderr, "error: %s\n", llvm::toString(layer.takeError()).c_str());
    return 1;
  }
  std::printf(
      "{\"mediaType\": \"%s\", \"digest\": \"%s\", \"size\": %llu, \"diff_id\": \"%s\", "
      "\"seconds\": %.3f}\n",
      layer->media_type.c_str(), layer->digest.c_str(),
      static_cast<unsigned long long>(layer->size), layer->diff_id.c_str(), seconds);
  return 0;
}
