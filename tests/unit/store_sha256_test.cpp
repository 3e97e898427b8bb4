// Sha256Digest (portable below kSha256OneShotLimit, OpenSSL's low-level interface above) and
// Sha256 (EVP) give the same, known digests.
#include <algorithm>
#include <array>
#include <catch2/catch.hpp>
#include <cstdint>
#include <string>

#include "runtime/store/sha256.h"
#include "runtime/store/sha256_oneshot.h"

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

TEST_CASE("store: the portable one-shot sha256 agrees with OpenSSL at every padding length",
          "[store]") {
  // Every length up to three blocks crosses each padding case (the length fits in the last
  // block, or needs one more); then lengths around the limit where Sha256Digest switches.
  std::string text;
  uint32_t x = 12345;
  for (int i = 0; i < 200; ++i) {
    CHECK(Sha256Digest(text.data(), text.size()) == Incremental(text, 64));
    x = x * 1103515245 + 12345;
    text += static_cast<char>(x >> 16);
  }
  std::string big(kSha256OneShotLimit + 1, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31 + (i >> 9));
  for (size_t size : {kSha256OneShotLimit - 1, kSha256OneShotLimit, kSha256OneShotLimit + 1})
    CHECK(Sha256Digest(big.data(), size) == Incremental(big.substr(0, size), 4096));
  std::array<uint8_t, 32> abc = Sha256OneShot("abc", 3);
  CHECK(abc[0] == 0xba);
  CHECK(abc[31] == 0xad);
}

}  // namespace
}  // namespace strata::store
