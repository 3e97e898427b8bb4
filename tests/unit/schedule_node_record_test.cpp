// Node records do not depend on the path the store is reached by (issue 11, item 9): artifacts
// in the store are recorded relative to its root, old absolute records are still read, and gc
// knows which artifact directories any record names.
#include <catch2/catch.hpp>

#include "runtime/schedule/node_output.h"
#include "tests/unit/test_support.h"

using namespace strata;

TEST_CASE("node records: store artifacts are relative to the store root", "[schedule][record]") {
  testing::TempDir dir("node-record");
  llvm::Expected<store::Store> here = store::Store::Open(dir.path + "/here");
  llvm::Expected<store::Store> moved = store::Store::Open(dir.path + "/moved");
  testing::RequireOk(here);
  testing::RequireOk(moved);
  std::string key(32, 'a');
  schedule::NodeOutput output =
      schedule::NodeOutput::Artifact(here->Root() + "/artifacts/" + key + "/out");
  nlohmann::json record = schedule::ToRecord(*here, output, "select", {});
  CHECK(record["store_path"] == "artifacts/" + key + "/out");
  CHECK_FALSE(record.contains("path"));
  CHECK(record.dump().find(dir.path) == std::string::npos);  // no host path at all
  // Read through another root (a move, a symlink, a bind mount): the path follows the root.
  llvm::Expected<schedule::NodeOutput> read = schedule::FromRecord(*moved, record);
  testing::RequireOk(read);
  CHECK(read->path == moved->Root() + "/artifacts/" + key + "/out");
  CHECK(schedule::RecordArtifactDirs(record) == std::vector<std::string>{key});

  // The user's own files stay absolute.
  schedule::NodeOutput local = schedule::NodeOutput::Artifact("/home/u/src", /*local=*/true);
  nlohmann::json local_record = schedule::ToRecord(*here, local, "local", {});
  CHECK(local_record["path"] == "/home/u/src");
  CHECK(schedule::RecordArtifactDirs(local_record).empty());

  // A relative path that climbs out of the store is tampering.
  for (const char* bad : {"../etc", "/etc/passwd", "artifacts/../../x", ""}) {
    nlohmann::json tampered = record;
    tampered["store_path"] = bad;
    llvm::Expected<schedule::NodeOutput> refused = schedule::FromRecord(*here, tampered);
    CHECK_FALSE(static_cast<bool>(refused));
    if (!refused) llvm::consumeError(refused.takeError());
  }
}

TEST_CASE("node records: records of older versions with absolute paths still read",
          "[schedule][record]") {
  testing::TempDir dir("node-record");
  llvm::Expected<store::Store> store = store::Store::Open(dir.path + "/store");
  testing::RequireOk(store);
  std::string key(32, 'b');
  nlohmann::json old = {{"kind", "artifact"},
                        {"path", "/old/place/artifacts/" + key + "/out"},
                        {"op", "select"},
                        {"inputs", nlohmann::json::array()},
                        {"created", 1}};
  llvm::Expected<schedule::NodeOutput> read = schedule::FromRecord(*store, old);
  testing::RequireOk(read);
  CHECK(read->path == "/old/place/artifacts/" + key + "/out");
  CHECK_FALSE(schedule::RecordIsComplete(*store, *read));  // gone: the node is rebuilt
  // gc keeps whatever such a path may name in this store.
  CHECK(schedule::RecordArtifactDirs(old) == std::vector<std::string>{key});
  nlohmann::json odd = old;
  odd["kind"] = 5;  // malformed fields name nothing (and never throw)
  CHECK(schedule::RecordArtifactDirs(odd).empty());
  odd = old;
  odd["local"] = "yes";
  CHECK(schedule::RecordArtifactDirs(odd) == std::vector<std::string>{key});
}
