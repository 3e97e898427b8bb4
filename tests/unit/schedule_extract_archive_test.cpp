// Tests that ADD of a local archive unpacks only the bytes lowering hashed into its key.
#include <xxhash.h>

#include <catch2/catch.hpp>
#include <string>

#include "runtime/schedule/extract_archive.h"
#include "tests/unit/test_support.h"

using namespace strata;

namespace {

std::pair<uint64_t, uint64_t> Xxh3Of(const std::string& bytes) {
  XXH128_hash_t digest = XXH3_128bits(bytes.data(), bytes.size());
  return {digest.high64, digest.low64};
}

}  // namespace

TEST_CASE("extract archive: the archive's bytes must be the ones lowering hashed",
          "[schedule][extract_archive]") {
  testing::TempDir dir("extract-archive");
  testing::Shell("mkdir -p " + dir.path + "/src && echo original > " + dir.path +
                 "/src/a.txt && tar -C " + dir.path + "/src -cf " + dir.path + "/a.tar a.txt");
  std::string archive = dir.path + "/a.tar";
  std::string lowered = testing::ReadFile(archive);
  auto request = [&](const std::string& unpacked) {
    testing::Shell("mkdir -p " + unpacked);
    schedule::ExtractRequest r;
    r.archive = archive;
    r.dest = "/app/";
    r.unpacked = unpacked;
    r.view_base = dir.path + "/no-such-view";
    r.content = Xxh3Of(lowered);
    return r;
  };

  // Unchanged: unpacked, and the digest covers the end-of-archive blocks libarchive stops at.
  testing::RequireOk(schedule::ExtractArchive(request(dir.path + "/ok")));
  CHECK(testing::ReadFile(dir.path + "/ok/a.txt") == "original\n");

  // Rewritten in place with other bytes of the same size (what a whole-second file system
  // shows with the same inode, size and times): refused, as a changed COPY source is.
  std::string edited = lowered;
  edited.replace(edited.find("original"), 8, "replaced");
  REQUIRE(edited.size() == lowered.size());
  testing::WriteFile(archive, edited);
  llvm::Error changed = schedule::ExtractArchive(request(dir.path + "/changed"));
  REQUIRE(static_cast<bool>(changed));
  CHECK(llvm::toString(std::move(changed)).find("changed during the build") != std::string::npos);

  // Only its trailing padding changed (past what the tar reader reads): refused as well.
  std::string padded = lowered;
  padded.back() = 'x';
  testing::WriteFile(archive, padded);
  llvm::Error tail = schedule::ExtractArchive(request(dir.path + "/tail"));
  REQUIRE(static_cast<bool>(tail));
  CHECK(llvm::toString(std::move(tail)).find("changed during the build") != std::string::npos);

  // Without a lowered digest (an archive from a stage's files), nothing is compared.
  schedule::ExtractRequest unchecked = request(dir.path + "/unchecked");
  unchecked.content.reset();
  testing::RequireOk(schedule::ExtractArchive(unchecked));
  CHECK(testing::ReadFile(dir.path + "/unchecked/a.txt") == "original\n");
}
