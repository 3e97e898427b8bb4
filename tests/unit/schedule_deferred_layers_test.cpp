// Deferred layers: a layer no target's image holds is stored as plain tar and compressed only
// when an image holding it leaves the build, to the bytes an in-pass compression gives.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <random>

#include "compiler/graph/ops.h"
#include "runtime/exec/fake_sandbox_runner.h"
#include "runtime/schedule/deferred_layers.h"
#include "runtime/schedule/executor.h"
#include "runtime/store/sha256.h"
#include "tests/unit/test_support.h"

using namespace strata;

namespace {

// A step that writes 3 MB (half text, half random bytes) into its upper dir.
llvm::Expected<exec::RunResult> WriteOutput(const exec::RunSpec& spec) {
  std::ofstream out(spec.upper_dir + "/out", std::ios::binary);
  std::mt19937 random(7);
  for (int i = 0; i < 1500000; ++i) out.put(static_cast<char>("strata\n"[i % 7]));
  for (int i = 0; i < 1500000; ++i) out.put(static_cast<char>(random() & 0xff));
  exec::RunResult result;
  result.exit_code = 0;
  return result;
}

struct Fixture : testing::TempStore {
  Fixture() : TempStore("deferred") {}
  graph::Graph graph;
  const graph::Node* builder = graph::MakeExecShell(graph, graph::MakeScratch(graph), "make", {});
  // The builder's output copied onto scratch: the builder's layer is in no target's image.
  const graph::Node* app = graph::MakeCopy(graph, graph::MakeScratch(graph),
                                           graph::MakeSelect(graph, builder, "/out"), "/out", {});

  oci::Image Built(const graph::Node* target, schedule::ExecutorOptions options = {}) {
    exec::FakeSandboxRunner runner(WriteOutput);
    schedule::Executor executor(*store, runner, options);
    llvm::Expected<schedule::NodeOutput> output = executor.Build(target);
    testing::RequireOk(output);
    return output->image;
  }
  oci::Image Record(const graph::Node* node, schedule::ExecutorOptions options = {}) {
    exec::FakeSandboxRunner runner(WriteOutput);
    schedule::Executor executor(*store, runner, options);
    llvm::Expected<std::optional<nlohmann::json>> record =
        store->GetNodeRecord(executor.RecordKey(*node));
    testing::RequireOk(record);
    REQUIRE(record->has_value());
    llvm::Expected<schedule::NodeOutput> output = schedule::FromRecord(*store, **record);
    testing::RequireOk(output);
    return output->image;
  }
};

oci::LayerDescriptor Compressed(const store::Store& store, const oci::Image& image,
                                const oci::LayerOptions& options) {
  llvm::Expected<oci::Image> out = schedule::CompressDeferredLayers(store, image, options);
  testing::RequireOk(out);
  REQUIRE(out->layers.size() == 1);
  CHECK_FALSE(out->layers[0].deferred);
  return out->layers[0];
}

bool Same(const oci::LayerDescriptor& a, const oci::LayerDescriptor& b) {
  return a.digest == b.digest && a.diff_id == b.diff_id && a.size == b.size &&
         a.media_type == b.media_type;
}

}  // namespace

TEST_CASE("deferred: an intermediate stage's layer is stored as its plain tar",
          "[schedule][deferred]") {
  Fixture f;
  oci::Image app = f.Built(f.app);
  REQUIRE(app.layers.size() == 1);
  CHECK_FALSE(app.layers[0].deferred);
  CHECK(app.layers[0].media_type == "application/vnd.oci.image.layer.v1.tar+gzip");
  oci::Image builder = f.Record(f.builder);
  REQUIRE(builder.layers.size() == 1);
  CHECK(builder.layers[0].deferred);
  CHECK(builder.layers[0].digest == builder.layers[0].diff_id);
  CHECK(builder.layers[0].media_type == "application/vnd.oci.image.layer.v1.tar");
  CHECK(f.store->HasBlob(builder.layers[0].diff_id));
}

TEST_CASE("deferred: compressed on demand to the bytes of an in-pass compression",
          "[schedule][deferred]") {
  for (oci::Compression kind : {oci::Compression::kGzip, oci::Compression::kZstd}) {
    schedule::ExecutorOptions options;
    options.layer.compression = kind;
    Fixture deferred;
    deferred.Built(deferred.app, options);
    oci::Image tar = deferred.Record(deferred.builder, options);
    REQUIRE(tar.layers.size() == 1);
    REQUIRE(tar.layers[0].deferred);
    // The builder built as the target (compressed as it was written), in another store.
    Fixture direct;
    oci::Image built = direct.Built(direct.builder, options);
    REQUIRE(built.layers.size() == 1);
    CHECK_FALSE(built.layers[0].deferred);
    oci::LayerDescriptor made = Compressed(*deferred.store, tar, options.layer);
    CHECK(Same(made, built.layers[0]));
    std::string memo = deferred.store->Root() + "/nodes/" +
                       schedule::CompressedLayerKey(made.diff_id, options.layer) + ".json";
    struct stat before;
    REQUIRE(::stat(memo.c_str(), &before) == 0);
    // Memoized: the second call makes nothing.
    size_t hashed = deferred.store->BlobsHashed();
    CHECK(Same(Compressed(*deferred.store, tar, options.layer), made));
    CHECK(deferred.store->BlobsHashed() == hashed);
  }
}

TEST_CASE("deferred: a damaged memo or a lost blob is made again, never trusted",
          "[schedule][deferred]") {
  Fixture f;
  f.Built(f.app);
  oci::Image tar = f.Record(f.builder);
  oci::LayerOptions options;
  oci::LayerDescriptor made = Compressed(*f.store, tar, options);
  std::string memo =
      f.store->Root() + "/nodes/" + schedule::CompressedLayerKey(made.diff_id, options) + ".json";
  SECTION("a memo that is not JSON") { std::ofstream(memo) << "{\"kind\": \"sta"; }
  SECTION("a memo naming a blob of another size") {
    std::string text = testing::ReadFile(memo);
    size_t at = text.find("\"size\": ");
    REQUIRE(at != std::string::npos);
    text.insert(at + 8, "1");
    std::ofstream(memo) << text;
  }
  SECTION("the compressed blob removed (a crash before the memo; gc)") {
    REQUIRE(::unlink(f.store->BlobPath(made.digest).c_str()) == 0);
  }
  SECTION("the compressed blob truncated") {
    REQUIRE(::truncate(f.store->BlobPath(made.digest).c_str(), 10) == 0);
  }
  CHECK(Same(Compressed(*f.store, tar, options), made));
  CHECK(f.store->HasBlob(made.digest));
  llvm::Expected<std::string> hash = f.store->HashBlob(made.digest);
  testing::RequireOk(hash);
  CHECK(*hash == made.digest);
}

TEST_CASE("deferred: a damaged tar is refused, not compressed", "[schedule][deferred]") {
  Fixture f;
  f.Built(f.app);
  oci::Image tar = f.Record(f.builder);
  std::string path = f.store->BlobPath(tar.layers[0].digest);
  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  { std::ofstream(path, std::ios::in | std::ios::out | std::ios::binary).put('X'); }
  // A fresh store object: this process's memory of having written the blob is not trusted.
  llvm::Expected<store::Store> reopened = store::Store::Open(f.store->Root());
  testing::RequireOk(reopened);
  llvm::Expected<oci::Image> out =
      schedule::CompressDeferredLayers(*reopened, tar, oci::LayerOptions{});
  REQUIRE_FALSE(bool(out));
  CHECK_THAT(llvm::toString(out.takeError()), Catch::Contains(tar.layers[0].digest));
  CHECK_FALSE(reopened->HasBlob(tar.layers[0].digest));
}

TEST_CASE("deferred: with --compression none nothing is deferred", "[schedule][deferred]") {
  Fixture f;
  schedule::ExecutorOptions options;
  options.layer.compression = oci::Compression::kNone;
  f.Built(f.app, options);
  oci::Image builder = f.Record(f.builder, options);
  REQUIRE(builder.layers.size() == 1);
  CHECK_FALSE(builder.layers[0].deferred);
}

TEST_CASE("deferred: a memo made by another encoder is not found", "[schedule][deferred]") {
  const std::string diff_id = "sha256:" + std::string(64, 'a');
  // The memo key text before libdeflate (zlib's gzip): what an older binary's memos are under.
  auto zlib_era = [&](const char* algorithm, int level) {
    std::string text = "strata-compressed-layer-v1\n" + diff_id + "\n" + algorithm + "\n" +
                       std::to_string(level) + "\n";
    return store::Sha256Digest(text.data(), text.size()).substr(7, 32);
  };
  oci::LayerOptions gzip, zstd;
  zstd.compression = oci::Compression::kZstd;
  CHECK(schedule::CompressedLayerKey(diff_id, gzip) != zlib_era("gzip", 6));
  // zstd memos name libzstd's version (none did before).
  CHECK(schedule::CompressedLayerKey(diff_id, zstd) != zlib_era("zstd", 3));
  // The default level is named as its number: -1 and 6 share a memo.
  oci::LayerOptions six;
  six.level = 6;
  CHECK(schedule::CompressedLayerKey(diff_id, gzip) == schedule::CompressedLayerKey(diff_id, six));
}
