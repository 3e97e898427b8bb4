// Tests that build options never let one build reuse another's bytes: every executor option
// either changes no output byte or changes the record key of each node whose bytes it changes,
// so a shared store always gives what a fresh store gives (issue 11, item 1).
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <vector>

#include "compiler/graph/ops.h"
#include "runtime/exec/fake_sandbox_runner.h"
#include "runtime/schedule/executor.h"
#include "runtime/store/sha256.h"
#include "tests/unit/test_support.h"

using namespace strata;

namespace {

// Every step writes a file named after its command, so each adds a layer.
llvm::Expected<exec::RunResult> WriteMarker(const exec::RunSpec& spec) {
  std::ofstream(spec.upper_dir + "/" + spec.argv.back()) << spec.argv.back();
  exec::RunResult result;
  result.exit_code = 0;
  return result;
}

// exec → select → copy → config, and a second exec on top: every kind of option user.
struct Program {
  graph::Graph graph;
  const graph::Node* base = graph::MakeScratch(graph);
  const graph::Node* built = graph::MakeExecShell(graph, base, "one", {});
  const graph::Node* selected = graph::MakeSelect(graph, built, "/one");
  const graph::Node* copied = graph::MakeCopy(graph, base, selected, "/copied", {});
  const graph::Node* configured = graph::MakeConfig(graph, copied, "workdir", "/w");
  const graph::Node* target = graph::MakeExecShell(graph, configured, "two", {});
};

// What an image is, byte for byte: its layers' blobs and diff_ids, in order.
std::vector<std::string> Bytes(const schedule::NodeOutput& output) {
  std::vector<std::string> bytes;
  for (const oci::LayerDescriptor& layer : output.image.layers) {
    bytes.push_back(layer.digest);
    bytes.push_back(layer.diff_id);
  }
  return bytes;
}

std::vector<std::string> Build(const store::Store& store, const Program& program,
                               const schedule::ExecutorOptions& options) {
  exec::FakeSandboxRunner runner(WriteMarker);
  schedule::Executor executor(store, runner, options);
  llvm::Expected<schedule::NodeOutput> output = executor.Build(program.target);
  testing::RequireOk(output);
  return Bytes(*output);
}

// Every field of ExecutorOptions and LayerOptions that can be set, with a non-default value.
// A new option must be added here (its effect on the bytes is what the test checks).
struct Variant {
  const char* name;
  std::function<void(schedule::ExecutorOptions&)> set;
};
std::vector<Variant> Variants() {
  return {
      {"default", [](schedule::ExecutorOptions&) {}},
      {"jobs=1", [](schedule::ExecutorOptions& o) { o.jobs = 1; }},
      {"no_cache", [](schedule::ExecutorOptions& o) { o.no_cache = true; }},
      {"secrets (declared by no step)",
       [](schedule::ExecutorOptions& o) { o.secrets["tok"] = "/dev/null"; }},
      {"source_date_epoch=100",
       [](schedule::ExecutorOptions& o) { o.layer.source_date_epoch = 100; }},
      {"compression=zstd",
       [](schedule::ExecutorOptions& o) { o.layer.compression = oci::Compression::kZstd; }},
      {"compression=none",
       [](schedule::ExecutorOptions& o) { o.layer.compression = oci::Compression::kNone; }},
      {"level=1", [](schedule::ExecutorOptions& o) { o.layer.level = 1; }},
      {"threads=1", [](schedule::ExecutorOptions& o) { o.layer.threads = 1; }},
      {"epoch=100+zstd",
       [](schedule::ExecutorOptions& o) {
         o.layer.source_date_epoch = 100;
         o.layer.compression = oci::Compression::kZstd;
       }},
  };
}

schedule::ExecutorOptions Options(const Variant& variant) {
  schedule::ExecutorOptions options;
  options.jobs = 2;
  variant.set(options);
  return options;
}

}  // namespace

TEST_CASE("record keys: every option changes no byte or changes the key",
          "[schedule][record_key]") {
  Program program;
  std::vector<Variant> variants = Variants();
  schedule::ExecutorOptions defaults = Options(variants[0]);
  std::vector<std::string> fresh_default;
  {
    testing::TempStore fresh("recordkey-fresh");
    fresh_default = Build(*fresh.store, program, defaults);
  }
  for (const Variant& variant : variants) {
    INFO("option: " << variant.name);
    schedule::ExecutorOptions options = Options(variant);
    std::vector<std::string> fresh_bytes;
    {
      testing::TempStore fresh("recordkey-fresh");
      fresh_bytes = Build(*fresh.store, program, options);
    }
    // Changes no byte, or changes the key of the target (and so of its record).
    bool same_bytes = fresh_bytes == fresh_default;
    bool other_key = schedule::RecordKeys(options.layer).Of(*program.target) !=
                     schedule::RecordKeys(defaults.layer).Of(*program.target);
    CHECK((same_bytes || other_key));

    // A store that built with the defaults first gives what a fresh store gives, and the
    // defaults afterwards are still the defaults' bytes (no option poisons the cache).
    testing::TempStore shared("recordkey-shared");
    CHECK(Build(*shared.store, program, defaults) == fresh_default);
    CHECK(Build(*shared.store, program, options) == fresh_bytes);
    CHECK(Build(*shared.store, program, defaults) == fresh_default);
    CHECK(Build(*shared.store, program, options) == fresh_bytes);
  }
}

TEST_CASE("record keys: which nodes depend on which options", "[schedule][record_key]") {
  Program program;
  oci::LayerOptions defaults, epoch, zstd;
  epoch.source_date_epoch = 100;
  zstd.compression = oci::Compression::kZstd;
  schedule::RecordKeys a(defaults), b(epoch), c(zstd);
  // Options-free nodes keep their derivation key and stay shared.
  CHECK(a.Of(*program.base) == program.base->key().Hex());
  CHECK(b.Of(*program.base) == program.base->key().Hex());
  // Layer writers and the stages above them depend on both options.
  for (const graph::Node* node :
       {program.built, program.copied, program.configured, program.target}) {
    CHECK(a.Of(*node) != b.Of(*node));
    CHECK(a.Of(*node) != c.Of(*node));
    CHECK(b.Of(*node) != c.Of(*node));
  }
  // An artifact selected from a stage has the layers' mtimes but not their compression.
  CHECK(a.Of(*program.selected) != b.Of(*program.selected));
  CHECK(a.Of(*program.selected) == c.Of(*program.selected));
  // A config node on an options-free base depends on nothing.
  const graph::Node* env = graph::MakeConfig(program.graph, program.base, "workdir", "/x");
  CHECK(a.Of(*env) == b.Of(*env));
  CHECK(a.Of(*env) == env->key().Hex());
}

TEST_CASE("record keys: gzip's name the encoder, so another encoder's records are not found",
          "[schedule][record_key]") {
  Program program;
  // The key text before gzip moved to libdeflate (zlib, one member): what an older binary's
  // records are stored under.
  auto zlib_era = [&](const graph::Node& node, const oci::LayerOptions& options,
                      const std::string& more = "") {
    std::string text = "strata-record-key-v1\n" + node.key().Hex() +
                       "\nsource_date_epoch=" + std::to_string(options.source_date_epoch) +
                       "\ncompression=" + oci::LayerMediaType(options.compression) +
                       " level=" + std::to_string(options.level) + "\n" + more;
    return store::Sha256Digest(text.data(), text.size()).substr(7, 32);
  };
  oci::LayerOptions gzip, zstd;
  zstd.compression = oci::Compression::kZstd;
  for (const graph::Node* node : {program.built, program.copied, program.target}) {
    CHECK(schedule::RecordKeys(gzip).Of(*node) != zlib_era(*node, gzip));
    // zstd's keys gained its encoder (libzstd's version), the layer entries' line (file
    // capabilities, below), which moved every layer writer's records, and the steps' line (every
    // node here is made from a step).
    CHECK(schedule::RecordKeys(zstd).Of(*node) ==
          zlib_era(*node, zstd,
                   oci::EncoderKeyLine(zstd.compression) + oci::LayerEntriesKeyLine() +
                       std::string(exec::kStepSemanticsKeyLine)));
    CHECK(schedule::RecordKeys(zstd).Of(*node) != zlib_era(*node, zstd));
  }
  // Nodes that do not depend on the compression keep their keys.
  CHECK(schedule::RecordKeys(gzip).Of(*program.base) == program.base->key().Hex());
}

TEST_CASE("record keys: records made when layers dropped file capabilities are not found",
          "[schedule][record_key]") {
  Program program;
  // The key text before layers kept security.capability: what an older binary stored under.
  auto before = [&](const graph::Node& node, const oci::LayerOptions& options, bool compression) {
    std::string text = "strata-record-key-v1\n" + node.key().Hex() +
                       "\nsource_date_epoch=" + std::to_string(options.source_date_epoch) + "\n";
    if (compression)
      text += std::string("compression=") + oci::LayerMediaType(options.compression) +
              " level=" + std::to_string(options.level) + "\n" +
              oci::EncoderKeyLine(options.compression);
    return store::Sha256Digest(text.data(), text.size()).substr(7, 32);
  };
  for (oci::Compression compression : {oci::Compression::kGzip, oci::Compression::kZstd}) {
    oci::LayerOptions options;
    options.compression = compression;
    schedule::RecordKeys keys(options);
    for (const graph::Node* node : {program.built, program.copied, program.target})
      CHECK(keys.Of(*node) != before(*node, options, true));
    // A tree copied out of a stage keeps capabilities too, so its records moved with them.
    CHECK(keys.Of(*program.selected) != before(*program.selected, options, false));
  }
  // A select out of an image nothing wrote (a loaded or pulled base) copies them as well.
  graph::Graph graph;
  const graph::Node* scratch = graph::MakeScratch(graph);
  const graph::Node* selected = graph::MakeSelect(graph, scratch, "/bin");
  schedule::RecordKeys keys{oci::LayerOptions{}};
  CHECK(keys.Of(*selected) != selected->key().Hex());
  // Nodes that copy nothing out of layers keep their derivation keys.
  CHECK(keys.Of(*scratch) == scratch->key().Hex());
}

TEST_CASE(
    "record keys: records of steps run the old way, and of what was made from them, are not "
    "found",
    "[schedule][record_key]") {
  Program program;
  oci::LayerOptions options;
  schedule::RecordKeys keys(options);
  // The key text before steps' semantics were versioned: what an older binary stored under.
  auto before = [&](const graph::Node& node) {
    std::string text = "strata-record-key-v1\n" + node.key().Hex() +
                       "\nsource_date_epoch=" + std::to_string(options.source_date_epoch) +
                       "\ncompression=" + oci::LayerMediaType(options.compression) +
                       " level=" + std::to_string(options.level) + "\n" +
                       oci::EncoderKeyLine(options.compression) + oci::LayerEntriesKeyLine();
    return store::Sha256Digest(text.data(), text.size()).substr(7, 32);
  };
  // The step, the tree selected out of it, the copy of that tree onto scratch, and the steps
  // and configs above: all made from a step's output.
  for (const graph::Node* node :
       {program.built, program.copied, program.configured, program.target})
    CHECK(keys.Of(*node) != before(*node));
  // A layer written from no step keeps its key (a copy of a file onto scratch).
  graph::Graph graph;
  const graph::Node* scratch = graph::MakeScratch(graph);
  const graph::Node* other = graph::MakeExecShell(graph, scratch, "x", {});
  const graph::Node* copy =
      graph::MakeCopy(graph, scratch, graph::MakeText(graph, "f", "text"), "/f", {});
  CHECK(keys.Of(*copy) == before(*copy));
  CHECK(keys.Of(*other) != before(*other));
}
