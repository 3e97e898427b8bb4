// The canonical node encoding and ComputeKey, which streams it into XXH3-128.
#include "compiler/graph/encoding.h"

#include <algorithm>
#include <cstring>

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack, no allocation per key
#include <llvm/ADT/SmallVector.h>
#include <xxhash.h>

namespace strata::graph {
namespace {

// Collects bytes into a std::string.
class StringSink {
 public:
  explicit StringSink(std::string& out) : out_(out) {}
  void Write(const void* data, size_t size) { out_.append(static_cast<const char*>(data), size); }

 private:
  std::string& out_;
};

// Feeds bytes into an XXH3-128 state through a small buffer: most writes are a few bytes.
class HashSink {
 public:
  HashSink() { XXH3_128bits_reset(&state_); }
  void Write(const void* data, size_t size) {
    if (used_ + size > sizeof(buffer_)) {
      Flush();
      if (size > sizeof(buffer_)) {
        XXH3_128bits_update(&state_, data, size);
        return;
      }
    }
    std::memcpy(buffer_ + used_, data, size);
    used_ += size;
  }
  Key Finish() {
    Flush();
    XXH128_hash_t hash = XXH3_128bits_digest(&state_);
    return Key{hash.high64, hash.low64};
  }

 private:
  void Flush() {
    if (used_ > 0) XXH3_128bits_update(&state_, buffer_, used_);
    used_ = 0;
  }
  XXH3_state_t state_;
  char buffer_[1024];
  size_t used_ = 0;
};

template <typename Sink>
class Encoder {
 public:
  explicit Encoder(Sink& sink) : sink_(sink) {}

  void Byte(char c) { sink_.Write(&c, 1); }
  void U64(uint64_t v) {
    unsigned char bytes[8];
    for (int i = 0; i < 8; ++i) bytes[i] = static_cast<unsigned char>(v >> (8 * i));
    sink_.Write(bytes, 8);
  }
  void Bytes(std::string_view s) {
    U64(s.size());
    sink_.Write(s.data(), s.size());
  }
  void Tag(ValueTag tag) { Byte(static_cast<char>(tag)); }

  void Value(const nlohmann::json& value) {
    using T = nlohmann::json::value_t;
    switch (value.type()) {
      case T::null:
      case T::discarded:
        Tag(ValueTag::kNull);
        return;
      case T::boolean:
        Tag(value.get<bool>() ? ValueTag::kTrue : ValueTag::kFalse);
        return;
      case T::number_integer:
        Tag(ValueTag::kInt);
        U64(static_cast<uint64_t>(value.get<int64_t>()));
        return;
      case T::number_unsigned: {
        // One integer has one encoding, whichever way the JSON library stored it.
        uint64_t v = value.get<uint64_t>();
        Tag(v <= static_cast<uint64_t>(INT64_MAX) ? ValueTag::kInt : ValueTag::kUnsigned);
        U64(v);
        return;
      }
      case T::number_float: {
        double d = value.get<double>();
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        Tag(ValueTag::kFloat);
        U64(bits);
        return;
      }
      case T::string:
        Tag(ValueTag::kString);
        Bytes(value.get_ref<const std::string&>());
        return;
      case T::binary: {
        const auto& bin = value.get_binary();
        Tag(ValueTag::kBinary);
        U64(bin.size());
        sink_.Write(bin.data(), bin.size());
        return;
      }
      case T::array:
        Tag(ValueTag::kArray);
        U64(value.size());
        for (const auto& element : value) Value(element);
        return;
      case T::object:
        // nlohmann::json keeps object keys in a std::map, so iteration is already in
        // byte order (std::char_traits<char> compares as unsigned char).
        Tag(ValueTag::kObject);
        U64(value.size());
        for (auto it = value.begin(); it != value.end(); ++it) {
          Bytes(it.key());
          Value(it.value());
        }
        return;
    }
  }

  void EncodeNode(Op op, llvm::ArrayRef<Param> params, llvm::ArrayRef<const graph::Node*> inputs) {
    Bytes(kEncodingVersion);
    Bytes(OpName(op));
    llvm::SmallVector<const Param*, 8> keyed;
    for (const Param& param : params) {
      if (param.keyed) keyed.push_back(&param);
    }
    // stable_sort allocates a buffer even for a sorted range; most params come sorted.
    auto by_name = [](const Param* a, const Param* b) { return a->name < b->name; };
    if (!std::is_sorted(keyed.begin(), keyed.end(), by_name))
      std::stable_sort(keyed.begin(), keyed.end(), by_name);
    U64(keyed.size());
    for (const Param* param : keyed) {
      Bytes(param->name);
      Value(param->value);
    }
    U64(inputs.size());
    for (const graph::Node* input : inputs) {
      // The 16 bytes that Key::Hex spells: high half first, each big-endian.
      unsigned char bytes[16];
      const Key& key = input->key();
      for (int i = 0; i < 8; ++i) {
        bytes[i] = static_cast<unsigned char>(key.high >> (56 - 8 * i));
        bytes[8 + i] = static_cast<unsigned char>(key.low >> (56 - 8 * i));
      }
      sink_.Write(bytes, 16);
    }
  }

 private:
  Sink& sink_;
};

}  // namespace

std::string CanonicalEncoding(Op op, llvm::ArrayRef<Param> params,
                              llvm::ArrayRef<const Node*> inputs) {
  std::string out;
  StringSink sink(out);
  Encoder<StringSink>(sink).EncodeNode(op, params, inputs);
  return out;
}

void AppendCanonicalValue(std::string& out, const nlohmann::json& value) {
  StringSink sink(out);
  Encoder<StringSink>(sink).Value(value);
}

Key ComputeKey(Op op, llvm::ArrayRef<Param> params, llvm::ArrayRef<const Node*> inputs) {
  HashSink sink;
  Encoder<HashSink>(sink).EncodeNode(op, params, inputs);
  return sink.Finish();
}

}  // namespace strata::graph
