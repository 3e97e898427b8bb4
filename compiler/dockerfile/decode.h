// Turns the bytes of a Dockerfile into UTF-8: strips a UTF-8 BOM, decodes UTF-16/32 with a BOM.
#pragma once

#include <string>
#include <string_view>

namespace strata::dockerfile {

enum class SourceEncoding { kUtf8, kUtf8Bom, kUtf16Le, kUtf16Be, kUtf32Le, kUtf32Be };

struct DecodedSource {
  SourceEncoding encoding = SourceEncoding::kUtf8;
  std::string text;   // UTF-8 without BOM (only filled when encoding != kUtf8)
  std::string error;  // non-empty when the bytes are not valid in the BOM's encoding
};

DecodedSource DecodeSource(std::string_view bytes);
const char* EncodingName(SourceEncoding encoding);

}  // namespace strata::dockerfile
