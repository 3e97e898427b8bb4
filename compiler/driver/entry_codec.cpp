// The evaluation cache's byte encoding (entry_codec.h).
#include "compiler/driver/entry_codec.h"

#include <cstring>

namespace strata::driver {
namespace {

enum JsonTag : uint8_t { kNull, kFalse, kTrue, kInt, kUnsigned, kFloat, kString, kArray, kObject };
constexpr int kMaxJsonDepth = 64;

}  // namespace

// One append per integer: a byte at a time was a capacity check and a terminator per byte,
// and an entry is mostly integers and short strings.
void PutU64(std::string& out, uint64_t v) {
  char bytes[8];
  for (int i = 0; i < 8; ++i) bytes[i] = static_cast<char>(v >> (8 * i));
  out.append(bytes, sizeof bytes);
}
void PutU32(std::string& out, uint32_t v) {
  char bytes[4];
  for (int i = 0; i < 4; ++i) bytes[i] = static_cast<char>(v >> (8 * i));
  out.append(bytes, sizeof bytes);
}
void PutString(std::string& out, std::string_view text) {
  PutU32(out, static_cast<uint32_t>(text.size()));
  out.append(text);
}

bool PutJson(std::string& out, const nlohmann::json& value) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::null:
      out.push_back(kNull);
      return true;
    case Type::boolean:
      out.push_back(value.get<bool>() ? kTrue : kFalse);
      return true;
    case Type::number_integer:
      out.push_back(kInt);
      PutU64(out, static_cast<uint64_t>(value.get<int64_t>()));
      return true;
    case Type::number_unsigned:
      out.push_back(kUnsigned);
      PutU64(out, value.get<uint64_t>());
      return true;
    case Type::number_float: {
      double d = value.get<double>();
      uint64_t bits;
      std::memcpy(&bits, &d, sizeof bits);
      out.push_back(kFloat);
      PutU64(out, bits);
      return true;
    }
    case Type::string:
      out.push_back(kString);
      PutString(out, value.get_ref<const std::string&>());
      return true;
    case Type::array:
      out.push_back(kArray);
      PutU32(out, static_cast<uint32_t>(value.size()));
      for (const nlohmann::json& item : value)
        if (!PutJson(out, item)) return false;
      return true;
    case Type::object:
      out.push_back(kObject);
      PutU32(out, static_cast<uint32_t>(value.size()));
      for (const auto& [key, item] : value.items()) {
        PutString(out, key);
        if (!PutJson(out, item)) return false;
      }
      return true;
    case Type::binary:
    case Type::discarded:
      break;
  }
  return false;
}

nlohmann::json GetJson(EntryReader& in, int depth) {
  if (depth > kMaxJsonDepth) {
    in.Fail();
    return nullptr;
  }
  switch (in.U8()) {
    case kNull:
      return nullptr;
    case kFalse:
      return false;
    case kTrue:
      return true;
    case kInt:
      return static_cast<int64_t>(in.U64());
    case kUnsigned:
      return in.U64();
    case kFloat: {
      uint64_t bits = in.U64();
      double d;
      std::memcpy(&d, &bits, sizeof d);
      return d;
    }
    case kString:
      return std::string(in.String());
    case kArray: {
      nlohmann::json array = nlohmann::json::array();
      for (uint32_t i = 0, n = in.Count(1); i < n && !in.bad(); ++i)
        array.push_back(GetJson(in, depth + 1));
      return array;
    }
    case kObject: {
      nlohmann::json object = nlohmann::json::object();
      for (uint32_t i = 0, n = in.Count(5); i < n && !in.bad(); ++i) {
        std::string key(in.String());
        object[key] = GetJson(in, depth + 1);
      }
      return object;
    }
    default:
      in.Fail();
      return nullptr;
  }
}

}  // namespace strata::driver
