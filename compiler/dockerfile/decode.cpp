// Turns the bytes of a Dockerfile into UTF-8: strips a UTF-8 BOM, decodes UTF-16/32 with a BOM.
#include "compiler/dockerfile/decode.h"

#include <cstdint>

#include "compiler/dockerfile/text_util.h"

namespace strata::dockerfile {
namespace {

bool StartsWith(std::string_view bytes, std::string_view prefix) {
  return bytes.substr(0, prefix.size()) == prefix;
}

uint32_t Read(std::string_view bytes, size_t pos, size_t width, bool little) {
  uint32_t value = 0;
  for (size_t i = 0; i < width; ++i) {
    uint32_t b = static_cast<unsigned char>(bytes[pos + (little ? width - 1 - i : i)]);
    value = (value << 8) | b;
  }
  return value;
}

void DecodeUtf16(std::string_view bytes, bool little, DecodedSource& out) {
  if (bytes.size() % 2 != 0) {
    out.error = "invalid UTF-16: odd number of bytes";
    return;
  }
  for (size_t pos = 0; pos < bytes.size(); pos += 2) {
    uint32_t unit = Read(bytes, pos, 2, little);
    if (unit >= 0xD800 && unit <= 0xDBFF) {
      uint32_t low = pos + 2 < bytes.size() ? Read(bytes, pos + 2, 2, little) : 0;
      if (low < 0xDC00 || low > 0xDFFF) {
        out.error = "invalid UTF-16: unpaired surrogate at byte " + std::to_string(pos + 2);
        return;
      }
      unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00);
      pos += 2;
    } else if (unit >= 0xDC00 && unit <= 0xDFFF) {
      out.error = "invalid UTF-16: unpaired surrogate at byte " + std::to_string(pos + 2);
      return;
    }
    AppendRune(out.text, unit);
  }
}

void DecodeUtf32(std::string_view bytes, bool little, DecodedSource& out) {
  if (bytes.size() % 4 != 0) {
    out.error = "invalid UTF-32: length is not a multiple of 4";
    return;
  }
  for (size_t pos = 0; pos < bytes.size(); pos += 4) {
    uint32_t rune = Read(bytes, pos, 4, little);
    if (rune > 0x10FFFF || (rune >= 0xD800 && rune <= 0xDFFF)) {
      out.error = "invalid UTF-32: code point out of range at byte " + std::to_string(pos + 4);
      return;
    }
    AppendRune(out.text, rune);
  }
}

}  // namespace

DecodedSource DecodeSource(std::string_view bytes) {
  DecodedSource out;
  // UTF-32 LE's BOM starts like UTF-16 LE's, so it is tested first.
  if (StartsWith(bytes, std::string_view("\xFF\xFE\0\0", 4))) {
    out.encoding = SourceEncoding::kUtf32Le;
    DecodeUtf32(bytes.substr(4), true, out);
  } else if (StartsWith(bytes, std::string_view("\0\0\xFE\xFF", 4))) {
    out.encoding = SourceEncoding::kUtf32Be;
    DecodeUtf32(bytes.substr(4), false, out);
  } else if (StartsWith(bytes, "\xFF\xFE")) {
    out.encoding = SourceEncoding::kUtf16Le;
    DecodeUtf16(bytes.substr(2), true, out);
  } else if (StartsWith(bytes, "\xFE\xFF")) {
    out.encoding = SourceEncoding::kUtf16Be;
    DecodeUtf16(bytes.substr(2), false, out);
  } else if (StartsWith(bytes, "\xEF\xBB\xBF")) {
    out.encoding = SourceEncoding::kUtf8Bom;
    out.text = std::string(bytes.substr(3));
  }
  return out;
}

const char* EncodingName(SourceEncoding encoding) {
  switch (encoding) {
    case SourceEncoding::kUtf8:
      return "UTF-8";
    case SourceEncoding::kUtf8Bom:
      return "UTF-8 with BOM";
    case SourceEncoding::kUtf16Le:
      return "UTF-16LE";
    case SourceEncoding::kUtf16Be:
      return "UTF-16BE";
    case SourceEncoding::kUtf32Le:
      return "UTF-32LE";
    case SourceEncoding::kUtf32Be:
      return "UTF-32BE";
  }
  return "UTF-8";
}

}  // namespace strata::dockerfile
