// Tests for the remote cache's format (key → tag, manifest and record encoding), which nodes
// may be shared, and the executor taking a remote hit as a cache hit that runs nothing.
#include <catch2/catch.hpp>
#include <fstream>
#include <regex>

#include "compiler/graph/ops.h"
#include "runtime/exec/fake_sandbox_runner.h"
#include "runtime/schedule/cache_manifest.h"
#include "runtime/schedule/executor.h"
#include "runtime/schedule/shared_nodes.h"
#include "tests/unit/test_support.h"

using namespace strata;

namespace {

const std::string kKey = "0123456789abcdef0123456789abcdef";
const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');
const std::string kDigestC = "sha256:" + std::string(64, 'c');

std::vector<oci::LayerDescriptor> TwoLayers() {
  return {{kDigestA, kDigestC, 10, "application/vnd.oci.image.layer.v1.tar+gzip"},
          {kDigestB, kDigestC, 20, "application/vnd.oci.image.layer.v1.tar+zstd"}};
}

nlohmann::json StageRecord(const std::vector<oci::LayerDescriptor>& layers) {
  oci::Image image;
  image.layers = layers;
  image.config = {{"Env", {"PATH=/bin"}}};
  return {{"kind", "stage"},         {"op", "exec"},
          {"image", image.ToJson()}, {"inputs", {"ffffffffffffffffffffffffffffffff"}},
          {"created", 1234},         {"sources", {kDigestC}}};
}

}  // namespace

TEST_CASE("remote cache: a record key names one tag, a valid OCI tag", "[remote-cache]") {
  std::string tag = schedule::CacheTag(kKey);
  CHECK(tag == "strata-cache-v1-" + kKey);
  CHECK(std::regex_match(tag, std::regex("[A-Za-z0-9_][A-Za-z0-9._-]{0,127}")));
  CHECK(schedule::CacheTag("0123456789ABCDEF0123456789ABCDEF").empty());
  CHECK(schedule::CacheTag("0123").empty());
  CHECK(schedule::CacheTag("../../../../../../../../../../../").empty());
  CHECK(schedule::CacheTag(kKey + "0").empty());
}

TEST_CASE("remote cache: the shared record leaves out what is this store's own", "[remote-cache]") {
  nlohmann::json record = StageRecord(TwoLayers());
  std::string bytes = schedule::EncodeCacheRecord(record);
  nlohmann::json shared = nlohmann::json::parse(bytes);
  CHECK(shared.contains("image"));
  CHECK(shared["op"] == "exec");
  CHECK_FALSE(shared.contains("inputs"));
  CHECK_FALSE(shared.contains("created"));
  CHECK_FALSE(shared.contains("sources"));
  // Another store's record of the same output (other time, other inputs) gives the same bytes.
  record["created"] = 99999;
  record["inputs"] = nlohmann::json::array();
  CHECK(schedule::EncodeCacheRecord(record) == bytes);
}

TEST_CASE("remote cache: the manifest encoding is canonical and reads back", "[remote-cache]") {
  std::string bytes = schedule::EncodeCacheManifest(kKey, kDigestC, 42, TwoLayers());
  // The exact bytes: a change here changes every cache entry's digest (bump the tag's version).
  CHECK(bytes == "{\"annotations\":{\"dev.strata.cache.key\":\"" + kKey +
                     "\"},\"artifactType\":\"application/"
                     "vnd.strata.cache.node.v1\",\"config\":{\"digest\":\"" +
                     kDigestC +
                     "\",\"mediaType\":\"application/"
                     "vnd.strata.cache.record.v1+json\",\"size\":42},\"layers\":[{\"digest\":\"" +
                     kDigestA +
                     "\",\"mediaType\":\"application/"
                     "vnd.oci.image.layer.v1.tar+gzip\",\"size\":10},{\"digest\":\"" +
                     kDigestB +
                     "\",\"mediaType\":\"application/"
                     "vnd.oci.image.layer.v1.tar+zstd\",\"size\":20}],\"mediaType\":"
                     "\"application/vnd.oci.image.manifest.v1+json\",\"schemaVersion\":2}");
  llvm::Expected<schedule::CacheManifest> decoded = schedule::DecodeCacheManifest(bytes, kKey);
  testing::RequireOk(decoded);
  CHECK(decoded->record_digest == kDigestC);
  CHECK(decoded->record_size == 42);
  REQUIRE(decoded->layers.size() == 2);
  CHECK(decoded->layers[1].digest == kDigestB);
  CHECK(decoded->layers[1].size == 20);
  CHECK(decoded->layers[1].media_type == "application/vnd.oci.image.layer.v1.tar+zstd");
}

TEST_CASE("remote cache: a manifest that is not this key's entry is refused", "[remote-cache]") {
  std::string good = schedule::EncodeCacheManifest(kKey, kDigestC, 42, TwoLayers());
  auto refused = [](const std::string& bytes, const std::string& key, const std::string& says) {
    llvm::Expected<schedule::CacheManifest> decoded = schedule::DecodeCacheManifest(bytes, key);
    REQUIRE(!decoded);
    std::string message = llvm::toString(decoded.takeError());
    INFO(message);
    CHECK(message.find(says) != std::string::npos);
  };
  refused(good, "ffffffffffffffffffffffffffffffff", "not ffffffff");
  refused("[1,2]", kKey, "not a JSON object");
  refused("{\"schemaVersion\":2", kKey, "not a JSON object");
  nlohmann::json json = nlohmann::json::parse(good);
  nlohmann::json other = json;
  other["artifactType"] = "application/vnd.example";
  refused(other.dump(), kKey, "artifactType");
  other = json;
  other["layers"][0]["digest"] = "sha256:../../etc/passwd";
  refused(other.dump(), kKey, "layer 1 has no valid sha256 digest");
  other = json;
  other["layers"][1]["mediaType"] = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";
  refused(other.dump(), kKey, "layer 2");
  other = json;
  other["config"]["mediaType"] = "application/vnd.oci.image.config.v1+json";
  refused(other.dump(), kKey, "the record's media type");
  other = json;
  other["config"]["size"] = -1;
  refused(other.dump(), kKey, "has no size");
}

TEST_CASE("remote cache: a record must name exactly the manifest's layers", "[remote-cache]") {
  std::vector<oci::LayerDescriptor> layers = TwoLayers();
  std::string manifest_bytes = schedule::EncodeCacheManifest(kKey, kDigestC, 42, layers);
  llvm::Expected<schedule::CacheManifest> manifest =
      schedule::DecodeCacheManifest(manifest_bytes, kKey);
  testing::RequireOk(manifest);
  std::string record = schedule::EncodeCacheRecord(StageRecord(layers));
  llvm::Expected<nlohmann::json> read = schedule::DecodeCacheRecord(record, *manifest);
  testing::RequireOk(read);
  CHECK((*read)["image"]["config"]["Env"][0] == "PATH=/bin");

  std::vector<oci::LayerDescriptor> swapped = {layers[1], layers[0]};
  llvm::Expected<nlohmann::json> wrong =
      schedule::DecodeCacheRecord(schedule::EncodeCacheRecord(StageRecord(swapped)), *manifest);
  REQUIRE(!wrong);
  CHECK(llvm::toString(wrong.takeError()).find("layer 1 of the record") != std::string::npos);
  llvm::Expected<nlohmann::json> fewer =
      schedule::DecodeCacheRecord(schedule::EncodeCacheRecord(StageRecord({layers[0]})), *manifest);
  REQUIRE(!fewer);
  llvm::consumeError(fewer.takeError());
  llvm::Expected<nlohmann::json> artifact = schedule::DecodeCacheRecord(
      "{\"kind\":\"artifact\",\"store_path\":\"artifacts/x\"}", *manifest);
  REQUIRE(!artifact);
  CHECK(llvm::toString(artifact.takeError()).find("not a stage") != std::string::npos);
}

TEST_CASE("remote cache: nodes built on unpinned inputs are never shared", "[remote-cache]") {
  graph::Graph graph;
  const graph::Node* pinned = graph::MakePull(graph, "busybox:1.36", kDigestA);
  const graph::Node* tag_only = graph::MakePull(graph, "busybox:latest", "");
  schedule::SharedNodes shared;
  CHECK(shared.Shareable(*pinned));
  CHECK_FALSE(shared.Shareable(*tag_only));
  CHECK(shared.Why(*tag_only).find("busybox:latest") != std::string::npos);

  const graph::Node* on_pinned = graph::MakeExecShell(graph, pinned, "make", {});
  const graph::Node* on_tag = graph::MakeExecShell(graph, tag_only, "make", {});
  CHECK(shared.Shareable(*on_pinned));
  CHECK_FALSE(shared.Shareable(*on_tag));
  // Taint goes through artifacts and copies too.
  const graph::Node* fetched = graph::MakeFetch(graph, "https://example.org/x.tar", "");
  const graph::Node* copied = graph::MakeCopy(graph, on_pinned, fetched, "/x", {});
  CHECK_FALSE(shared.Shareable(*copied));
  const graph::Node* fetched_pinned =
      graph::MakeFetch(graph, "https://example.org/x.tar", std::string(64, 'd'));
  CHECK(shared.Shareable(*graph::MakeCopy(graph, on_pinned, fetched_pinned, "/x", {})));

  graph::ExecOptions network;
  network.network = true;
  network.output_sha256 = kDigestB;
  CHECK(shared.Shareable(*graph::MakeExecShell(graph, pinned, "curl", network)));
  graph::ExecOptions secret;
  secret.secrets.push_back({"token", "/run/secrets/token", true});
  const graph::Node* with_secret = graph::MakeExecShell(graph, pinned, "use-token", secret);
  CHECK_FALSE(shared.Shareable(*with_secret));
  CHECK_FALSE(shared.Shareable(*graph::MakeConfig(graph, with_secret, "workdir", "/w")));

  graph::DebianRequest unlocked;
  unlocked.packages = {"hello"};
  CHECK_FALSE(shared.Shareable(*graph::MakeDebian(graph, unlocked)));
}

namespace {

// A remote cache that holds one node's output: it copies the record another store made.
class FakeRemote : public schedule::RemoteCache {
 public:
  FakeRemote(const store::Store& store, std::string key, nlohmann::json record)
      : store_(store), key_(std::move(key)), record_(std::move(record)) {}
  bool Fetch(const graph::Node&, const std::string& record_key) override {
    asked.push_back(record_key);
    if (record_key != key_) return false;
    testing::RequireOk(store_.PutNodeRecord(record_key, record_));
    return true;
  }
  std::vector<std::string> asked;

 private:
  const store::Store& store_;
  std::string key_;
  nlohmann::json record_;
};

llvm::Expected<exec::RunResult> WriteMarker(const exec::RunSpec& spec) {
  std::ofstream(spec.upper_dir + "/" + spec.argv.back()) << spec.argv.back();
  exec::RunResult result;
  result.exit_code = 0;
  return result;
}

}  // namespace

TEST_CASE("remote cache: a remote hit is a cache hit and runs nothing",
          "[remote-cache][schedule]") {
  testing::TempStore a("remote-a");
  testing::TempStore b("remote-b");
  graph::Graph graph;
  const graph::Node* base = graph::MakeScratch(graph);
  const graph::Node* built = graph::MakeExecShell(graph, base, "one", {});
  const graph::Node* target = graph::MakeExecShell(graph, built, "two", {});

  // Store A builds; its target's record and layers are what the "registry" holds.
  exec::FakeSandboxRunner runner_a(WriteMarker);
  schedule::Executor executor_a(*a.store, runner_a, {});
  llvm::Expected<schedule::NodeOutput> from_a = executor_a.Build(target);
  testing::RequireOk(from_a);
  std::string key = executor_a.RecordKey(*target);
  llvm::Expected<std::optional<nlohmann::json>> record = a.store->GetNodeRecord(key);
  testing::RequireOk(record);
  REQUIRE(*record);
  for (const oci::LayerDescriptor& layer : from_a->image.layers)
    testing::RequireOk(b.store->PutBlobFromFile(a.store->BlobPath(layer.digest)).takeError());

  FakeRemote remote(*b.store, key, **record);
  schedule::ExecutorOptions options;
  options.remote_cache = &remote;
  exec::FakeSandboxRunner runner_b(WriteMarker);
  schedule::RecordingProgress progress;
  schedule::Executor executor_b(*b.store, runner_b, options, &progress);
  llvm::Expected<schedule::NodeOutput> from_b = executor_b.Build(target);
  testing::RequireOk(from_b);
  CHECK(runner_b.Calls().empty());
  CHECK(executor_b.stats().executed == 0);
  CHECK(executor_b.stats().fetched == 1);
  CHECK(remote.asked == std::vector<std::string>{key});  // the hit is a leaf: inputs not asked
  REQUIRE(progress.Count(schedule::ProgressEvent::Type::kCached) == 1);
  CHECK(progress.Count(schedule::ProgressEvent::Type::kStart) == 0);
  CHECK(progress.Events()[0].remote);
  REQUIRE(from_b->image.layers.size() == from_a->image.layers.size());
  CHECK(from_b->image.layers.back().digest == from_a->image.layers.back().digest);

  // A hit whose blobs are not in the store is no hit: the nodes are built.
  testing::TempStore c("remote-c");
  FakeRemote empty_remote(*c.store, key, **record);
  options.remote_cache = &empty_remote;
  exec::FakeSandboxRunner runner_c(WriteMarker);
  schedule::Executor executor_c(*c.store, runner_c, options);
  testing::RequireOk(executor_c.Build(target).takeError());
  CHECK(executor_c.stats().executed == 3);  // scratch and both steps
  CHECK(runner_c.Calls().size() == 2);
  CHECK(executor_c.stats().fetched == 0);
}
