// Sha256Digest (OpenSSL's low-level interface) and Sha256 (EVP) give the same, known digests.
#include <algorithm>
#include <catch2/catch.hpp>
#include <string>

#include "runtime/store/sha256.h"

namespace strata::store {
namespace {

std::string Incremental(const std::string& text, size_t piece) {
  Sha256 hash;
  for (size_t i = 0; i < text.size(); i += piece)
    hash.Update(text.data() + i, std::min(piece, text.size() - i));
  return hash.Digest();
}

TEST_CASE("store: the one-shot and incremental sha256 agree on known digests", "[store]") {
  // FIPS 180-2's examples and the empty string.
  const std::string abc = "abc";
  const std::string two_blocks = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
  CHECK(Sha256Digest("", 0) ==
        "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(Sha256Digest(abc.data(), abc.size()) ==
        "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(Sha256Digest(two_blocks.data(), two_blocks.size()) ==
        "sha256:248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string long_text;
  for (int i = 0; i < 10000; ++i) long_text += std::to_string(i * 7919) + ",";
  CHECK(Sha256Digest(long_text.data(), long_text.size()) == Incremental(long_text, 1000));
  CHECK(Incremental(abc, 1) == Sha256Digest(abc.data(), abc.size()));
}

}  // namespace
}  // namespace strata::store
