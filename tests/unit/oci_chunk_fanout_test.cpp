// ChunkFanout tests: every consumer sees the whole stream in order, in-place writes are not
// copied, buffers are bounded and reused, and a consumer's failure stops the stream with its error.
#include <catch2/catch.hpp>
#include <cstring>
#include <mutex>
#include <random>
#include <set>
#include <string>

#include "runtime/oci/chunk_fanout.h"

using strata::oci::ChunkFanout;

namespace {

std::string Stream(size_t size) {
  std::mt19937 rng(7);
  std::string data(size, '\0');
  for (char& c : data) c = static_cast<char>(rng());
  return data;
}

// True when `err` is success (an error is printed by the failing check's message instead).
bool Ok(llvm::Error err) {
  if (!err) return true;
  UNSCOPED_INFO(llvm::toString(std::move(err)));
  return false;
}

}  // namespace

TEST_CASE("fan-out: each consumer gets the stream in order, copied or read in place", "[oci]") {
  const std::string input = Stream(3'000'017);
  std::string first, second;
  std::set<const char*> buffers;
  std::mutex mu;
  {
    ChunkFanout fanout({[&](const char* data, size_t size) {
                          first.append(data, size);
                          return llvm::Error::success();
                        },
                        [&](const char* data, size_t size) {
                          second.append(data, size);
                          std::lock_guard<std::mutex> lock(mu);
                          buffers.insert(data);
                          return llvm::Error::success();
                        }},
                       /*chunk=*/4096, /*max_queued=*/3);
    std::mt19937 rng(11);
    size_t pos = 0;
    bool in_place = false;
    while (pos < input.size()) {
      size_t n = std::min<size_t>(input.size() - pos, rng() % 9000);
      if (in_place) {
        // As a file read: straight into the tail, then written from there.
        size_t room = 0;
        char* tail = fanout.Tail(room);
        REQUIRE(room >= 4096);
        n = std::min(n, room);
        std::memcpy(tail, input.data() + pos, n);
        REQUIRE(Ok(fanout.Write(tail, n)));
      } else {
        REQUIRE(Ok(fanout.Write(input.data() + pos, n)));
      }
      pos += n;
      in_place = !in_place;
    }
    REQUIRE(Ok(fanout.Close()));
  }
  CHECK(first == input);
  CHECK(second == input);
  // Buffers are recycled: at most the queue, the one being filled and the spares, never one
  // per chunk (the stream is ~730 chunks of 4 KiB).
  CHECK(buffers.size() <= 3 + 1 + 3);
}

TEST_CASE("fan-out: a failing consumer fails the writer and Close returns its error", "[oci]") {
  const std::string input = Stream(1 << 20);
  ChunkFanout fanout({[&](const char*, size_t) { return llvm::Error::success(); },
                      [&](const char*, size_t) -> llvm::Error {
                        return llvm::createStringError(std::errc::no_space_on_device, "disk full");
                      }},
                     /*chunk=*/1024, /*max_queued=*/2);
  bool failed = false;
  for (size_t pos = 0; pos < input.size() && !failed; pos += 1000) {
    if (llvm::Error err = fanout.Write(input.data() + pos, 1000)) {
      llvm::consumeError(std::move(err));
      failed = true;
    }
  }
  CHECK(failed);  // the writer learns of it and stops instead of filling the queue forever
  llvm::Error err = fanout.Close();
  REQUIRE(static_cast<bool>(err));
  CHECK(llvm::toString(std::move(err)) == "disk full");
}

TEST_CASE("fan-out: dropped before Close, nothing hangs", "[oci]") {
  const std::string input = Stream(100000);
  ChunkFanout fanout({[&](const char*, size_t) { return llvm::Error::success(); }}, 512, 1);
  REQUIRE(Ok(fanout.Write(input.data(), input.size())));
}
