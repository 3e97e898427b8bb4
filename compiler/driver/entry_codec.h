// The byte encoding of the evaluation cache's entries: little-endian integers, length-prefixed
// strings and JSON values (a node's params), and a bounds-checked reader for them.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace strata::driver {

void PutU64(std::string& out, uint64_t v);
void PutU32(std::string& out, uint32_t v);
void PutString(std::string& out, std::string_view text);
// False for a value the codec does not carry (binary): such an answer is not cached.
bool PutJson(std::string& out, const nlohmann::json& value);

inline uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v |= uint64_t(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// Reads the payload; any read past the end sets `bad` and yields zeros, so a truncated or
// foreign payload is rejected after the fact instead of read out of bounds.
class EntryReader {
 public:
  explicit EntryReader(std::string_view data) : data_(data) {}
  bool bad() const { return bad_; }
  void Fail() { bad_ = true; }
  bool at_end() const { return pos_ == data_.size(); }
  uint8_t U8() { return Take(1) ? static_cast<uint8_t>(data_[pos_ - 1]) : 0; }
  uint32_t U32() {
    if (!Take(4)) return 0;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= uint32_t(static_cast<unsigned char>(data_[pos_ - 4 + i])) << (8 * i);
    return v;
  }
  uint64_t U64() { return Take(8) ? GetU64(data_.data() + pos_ - 8) : 0; }
  std::string_view String() {
    uint32_t size = U32();
    if (!Take(size)) return {};
    return data_.substr(pos_ - size, size);
  }
  // A count of items of at least `min_bytes` each: more than the rest could hold is corrupt.
  uint32_t Count(size_t min_bytes) {
    uint32_t n = U32();
    if (n > (data_.size() - pos_) / min_bytes) bad_ = true;
    return bad_ ? 0 : n;
  }

 private:
  bool Take(size_t n) {
    if (bad_ || n > data_.size() - pos_) {
      bad_ = true;
      return false;
    }
    pos_ += n;
    return true;
  }
  std::string_view data_;
  size_t pos_ = 0;
  bool bad_ = false;
};

// A JSON value PutJson wrote; a malformed or too deeply nested one fails the reader.
nlohmann::json GetJson(EntryReader& in, int depth = 0);

}  // namespace strata::driver
