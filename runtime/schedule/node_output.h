// What one node produced (an image or an artifact), and its node record in the store.
#pragma once

#include <llvm/Support/Error.h>

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "runtime/oci/image.h"
#include "runtime/schedule/stage_selection.h"
#include "runtime/store/store.h"

namespace strata::schedule {

struct NodeOutput {
  enum class Kind { kStage, kArtifact };
  Kind kind = Kind::kStage;
  oci::Image image;  // kStage
  // kArtifact: a host path (a file, directory or symlink). For a `local` artifact it is the
  // user's own file; for a select or fetch it lives under <store>/artifacts/<key>/.
  std::string path;
  // The artifact is the user's local files: a copy normalises their modes and skips `.git`
  // (as the local-source digest does), so the layer's content is what the key covers.
  bool local = false;
  // For a local artifact made with .dockerignore patterns: the local root they are relative
  // to, and the patterns (graph::IgnoreMatcher); a copy leaves out what they ignore.
  std::string local_root;
  std::vector<std::string> local_exclude;
  // What an SBOM needs from this node beyond its image (runtime/sbom/collect.h): for `debian`
  // {"debian": {suite, mirror, packages: [{name, version, arch, filename, size, sha256,
  // license}]}}, for `pull` {"pull": {digest, manifest_digest, architecture}}; null for other
  // ops and in records written before SBOMs.
  nlohmann::json sbom;
  // Blobs ("sha256:<hex>") the node was made from that its output does not name: a debian
  // base's .debs and Packages index. The record lists them as "sources" so that gc keeps
  // them while the record lives (a rebuild after --no-cache needs no download).
  std::vector<std::string> sources;
  // A select whose wildcard matched nothing (an empty directory): a copy of it adds no file,
  // not even its destination directory, as BuildKit's empty wildcard copy.
  bool empty_match = false;
  // A local artifact whose modes are kept as on disk (`modes: "keep"`: a Dockerfile's context,
  // `keepModes`): a copy does not normalise them.
  bool keep_modes = false;
  // The name a copy gives this artifact when it goes *into* a directory, when that is not the
  // path's own base name: a select of a symlink is the link's target (BuildKit follows a
  // symlink named as a source) copied under the link's name.
  std::string name;
  // A select of a stage that the executor left to the copies consuming it (every consumer is
  // a copy): nothing was published, `path` is empty, and each copy reads the selection from
  // the stage's layers (stage_selection.h). Never in a record.
  std::optional<StageSelection> selection;

  static NodeOutput Stage(oci::Image image);
  static NodeOutput Artifact(std::string path, bool local = false);
  bool IsStage() const { return kind == Kind::kStage; }
};

// The node record: {"kind":"stage","image":{...}} or {"kind":"artifact",...}, plus "op",
// "sources" (NodeOutput::sources, when any),
// "inputs" (input record keys, for gc) and "created" (unix seconds). An artifact inside the
// store is recorded as "store_path", relative to the store root, so that a store reached
// through a symlink, a bind mount or after a move still finds (and gc still keeps) what its
// records name; an artifact outside it (the user's local files) as an absolute "path". Records
// of older versions with an absolute "path" into the store are still read: such a path is
// trusted only while it exists (otherwise the node is rebuilt), and gc keeps what it names.
nlohmann::json ToRecord(const store::Store& store, const NodeOutput& output, const std::string& op,
                        const std::vector<std::string>& input_keys);
llvm::Expected<NodeOutput> FromRecord(const store::Store& store, const nlohmann::json& record);

// The names under <store>/artifacts/ that a record's artifact may live in (none for a stage or
// a local artifact). For an old record's absolute path, every segment after an "/artifacts/"
// in it, whatever the store was called then: gc keeping one too many is harmless.
std::vector<std::string> RecordArtifactDirs(const nlohmann::json& record);

// True when everything the record names (layer blobs, artifact path) is still in place, so the
// record can be trusted as a cache hit.
bool RecordIsComplete(const store::Store& store, const NodeOutput& output);

// Every blob digest a stage output refers to (its layers).
std::vector<std::string> LayerDigests(const NodeOutput& output);

}  // namespace strata::schedule
