// strata.lock: parsing and its errors, canonical sorted output, atomic saving, and the `image`
// builtin taking its digest from the lock (so the lock changes the keys).
#include "compiler/graph/lockfile.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "compiler/graph/node.h"
#include "tests/unit/eval_fixture.h"

using strata::eval::Value;
using strata::eval::ValueKind;
using strata::eval::testing::EvalFixture;
using strata::graph::Lockfile;

namespace {

const std::string kDigestA = "sha256:" + std::string(64, 'a');
const std::string kDigestB = "sha256:" + std::string(64, 'b');

std::string ParseError(const std::string& text) {
  llvm::Expected<Lockfile> lock = Lockfile::Parse(text, "dir/strata.lock");
  if (lock) return "ok";
  return llvm::toString(lock.takeError());
}

const strata::graph::Node* PullNode(EvalFixture& f, const std::string& text) {
  std::optional<Value> value = f.Eval(text);
  REQUIRE(value.has_value());
  REQUIRE(value->is(ValueKind::kNode));
  return value->node();
}

}  // namespace

TEST_CASE("lockfile: parses images and looks refs up exactly", "[lockfile]") {
  llvm::Expected<Lockfile> lock =
      Lockfile::Parse("{\"version\": 1, \"images\": {\"busybox:1.36\": \"" + kDigestA +
                          "\", \"alpine\": \"" + kDigestB + "\"}}",
                      "strata.lock");
  REQUIRE(static_cast<bool>(lock));
  CHECK(lock->Lookup("busybox:1.36") == kDigestA);
  CHECK(lock->Lookup("alpine") == kDigestB);
  CHECK(lock->Lookup("busybox") == "");  // references are keys as written, not normalised
  CHECK(llvm::cantFail(Lockfile::Parse("{\"version\": 1}", "x")).images().empty());
}

TEST_CASE("lockfile: malformed files are errors that name the file", "[lockfile]") {
  CHECK(ParseError("{") ==
        "dir/strata.lock: not valid JSON; delete it and run `strata lock` to write it again");
  CHECK(ParseError("[]").find("expected a JSON object") != std::string::npos);
  CHECK(ParseError("{\"images\": {}}") ==
        "dir/strata.lock: missing \"version\" (this Strata writes version 1)");
  CHECK(ParseError("{\"version\": 2}") ==
        "dir/strata.lock: version 2 is not supported (this Strata reads version 1)");
  CHECK(ParseError("{\"version\": 1, \"images\": []}").find("must be an object") !=
        std::string::npos);
  CHECK(ParseError("{\"version\": 1, \"images\": {\"a\": \"sha256:ABC\"}}") ==
        "dir/strata.lock: the digest of 'a' must be \"sha256:\" and 64 lowercase hex digits, found "
        "\"sha256:ABC\"");
  CHECK(ParseError("{\"version\": 1, \"images\": {\"\": \"" + kDigestA + "\"}}")
            .find("reference is empty") != std::string::npos);
}

TEST_CASE("lockfile: output is sorted and byte-stable, and round-trips", "[lockfile]") {
  Lockfile one;
  one.Set("zlib:1", kDigestB);
  one.Set("alpine:3.19", kDigestA);
  Lockfile two;
  two.Set("alpine:3.19", kDigestA);
  two.Set("zlib:1", kDigestB);
  CHECK(one.Serialize() == two.Serialize());
  CHECK(one.Serialize() == "{\n  \"images\": {\n    \"alpine:3.19\": \"" + kDigestA +
                               "\",\n    \"zlib:1\": \"" + kDigestB +
                               "\"\n  },\n  \"version\": 1\n}\n");
  llvm::Expected<Lockfile> back = Lockfile::Parse(one.Serialize(), "x");
  REQUIRE(static_cast<bool>(back));
  CHECK(back->images() == one.images());
}

TEST_CASE("lockfile: Save replaces the file atomically and Load reads it back", "[lockfile]") {
  char name[] = "/tmp/strata-lockfile-test-XXXXXX";
  std::string dir = ::mkdtemp(name);
  std::string path = dir + "/strata.lock";
  CHECK_FALSE(llvm::cantFail(Lockfile::Load(path)).has_value());  // no file: no lock
  Lockfile lock;
  lock.Set("busybox:1.36", kDigestA);
  REQUIRE(llvm::toString(lock.Save(path)) == "");
  lock.Set("busybox:1.36", kDigestB);
  REQUIRE(llvm::toString(lock.Save(path)) == "");
  std::optional<Lockfile> loaded = llvm::cantFail(Lockfile::Load(path));
  REQUIRE(loaded.has_value());
  CHECK(loaded->Lookup("busybox:1.36") == kDigestB);
  size_t files = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(dir)) ++files;
  CHECK(files == 1);  // no temp file left behind
  CHECK(strata::graph::LockfilePathFor(dir + "/build.strata") == path);
  CHECK(strata::graph::LockfilePathFor("build.strata") == "strata.lock");
  std::filesystem::remove_all(dir);
}

TEST_CASE("lockfile: the image builtin pins its pull node to the locked digest",
          "[lockfile][eval]") {
  EvalFixture unlocked;
  const strata::graph::Node* plain = PullNode(unlocked, "image \"busybox:1.36\"");
  CHECK(plain->Find("digest") == nullptr);

  Lockfile lock;
  lock.Set("busybox:1.36", kDigestA);
  EvalFixture locked;
  locked.evaluator().set_lockfile(lock);
  const strata::graph::Node* pinned = PullNode(locked, "image \"busybox:1.36\"");
  REQUIRE(pinned->Find("digest") != nullptr);
  CHECK(*pinned->Find("digest") == kDigestA);
  CHECK(pinned->key() != plain->key());
  // Refs the lock does not name stay unpinned.
  CHECK(PullNode(locked, "image \"alpine\"")->Find("digest") == nullptr);

  // Another digest, another key — for the pull and for everything built on it.
  lock.Set("busybox:1.36", kDigestB);
  EvalFixture relocked;
  relocked.evaluator().set_lockfile(lock);
  const strata::graph::Node* run_a = PullNode(locked, "image \"busybox:1.36\" |> run \"make\"");
  const strata::graph::Node* run_b = PullNode(relocked, "image \"busybox:1.36\" |> run \"make\"");
  CHECK(run_a->key() != run_b->key());
}
