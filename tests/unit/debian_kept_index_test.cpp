// The plain Packages index kept in the store: read back only when its bytes hash to its name.
#include <catch2/catch.hpp>
#include <string>

#include "runtime/debian/suite.h"
#include "runtime/store/sha256.h"
#include "test_support.h"

using namespace strata;

TEST_CASE("debian: a kept index is read back when intact, dropped when damaged", "[debian]") {
  testing::TempStore temp("kept-index");
  const store::Store& store = *temp.store;
  std::string text = "Package: bash\nVersion: 5.2.15-2+b2\nArchitecture: amd64\n";
  std::string sha256 = store::Sha256Digest(text.data(), text.size()).substr(7);

  CHECK_FALSE(debian::ReadKeptIndex(store, sha256, text.size()).has_value());  // not kept yet

  llvm::Expected<std::string> put = store.PutBlobBytes(text);
  testing::RequireOk(put);
  std::optional<std::string> read = debian::ReadKeptIndex(store, sha256, text.size());
  REQUIRE(read.has_value());
  CHECK(*read == text);

  // Damaged in the store (a bad disk, a killed writer): not trusted, and removed so that the
  // next build makes it again from Packages.xz.
  testing::WriteFile(store.BlobPath("sha256:" + sha256), "Package: evil\n");
  CHECK_FALSE(debian::ReadKeptIndex(store, sha256, text.size()).has_value());
  CHECK_FALSE(store.HasBlob("sha256:" + sha256));
}
