// StoredSpans: a byte histogram and a sampled 8-byte repeat search per 512-byte unit.
#include "runtime/oci/stored_spans.h"

#include <cstdint>
#include <cstring>

namespace strata::oci {
namespace {

constexpr size_t kWindow = 32768;   // deflate's match distance limit
constexpr uint32_t kMaxCount = 12;  // per byte value in a 512-byte unit (random: mean 2)
constexpr size_t kSampleStep = 16;  // every 16th position looks for a repeat
constexpr int kMaxRepeats = 0;      // sampled repeats a unit may have and still be stored

}  // namespace

std::vector<Span> StoredSpans(const unsigned char* data, size_t size) {
  std::vector<Span> spans;
  if (size < kMinStoredRun) return spans;
  // Every position of a flat unit enters a table of 8-byte hashes (position + 1; 0 is empty);
  // sampled positions first look for an equal string up to 32 KiB back. Random bytes give no hits;
  // a repeated block, however random, gives one at nearly every sample.
  std::vector<uint32_t> last(1 << 16, 0);
  uint32_t counts[256] = {};
  size_t run_start = 0;
  bool in_run = false;
  auto close_run = [&](size_t end) {
    if (in_run && end - run_start >= kMinStoredRun) spans.push_back({run_start, end - run_start});
    in_run = false;
  };
  for (size_t block = 0; block + kStoredBlock <= size; block += kStoredBlock) {
    // Most units of text or code fail within a few dozen bytes: stop counting there (the
    // answer is the same) and clear only what was counted.
    bool flat = true;
    size_t counted = block;
    while (counted < block + kStoredBlock) {
      if (++counts[data[counted++]] > kMaxCount) {
        flat = false;
        break;
      }
    }
    for (size_t i = block; i < counted; ++i) counts[data[i]] = 0;
    // Text, headers and padding never become stored spans, so only flat units are indexed.
    int repeats = 0;
    for (size_t i = block; flat && i < block + kStoredBlock && i + 8 <= size; ++i) {
      uint64_t word;
      std::memcpy(&word, data + i, sizeof word);
      uint32_t slot = static_cast<uint32_t>((word * 0x9E3779B97F4A7C15ull) >> 48);
      if (i % kSampleStep == 0) {
        uint32_t previous = last[slot];
        if (previous != 0 && i - (previous - 1) <= kWindow &&
            std::memcmp(data + previous - 1, data + i, 8) == 0)
          ++repeats;
      }
      last[slot] = static_cast<uint32_t>(i + 1);
    }
    if (flat && repeats <= kMaxRepeats) {
      if (!in_run) run_start = block;
      in_run = true;
    } else {
      close_run(block);
    }
  }
  close_run(size / kStoredBlock * kStoredBlock);
  return spans;
}

}  // namespace strata::oci
