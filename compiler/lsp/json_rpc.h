// JSON-RPC 2.0 over a byte stream with LSP's `Content-Length` framing (base protocol, LSP 3.17).
#pragma once

#include <iosfwd>
#include <nlohmann/json.hpp>
#include <string>

namespace strata::lsp {

using Json = nlohmann::json;

// JSON-RPC error codes (the spec's, and LSP's).
inline constexpr int kParseError = -32700;
inline constexpr int kInvalidRequest = -32600;
inline constexpr int kMethodNotFound = -32601;
inline constexpr int kInvalidParams = -32602;
inline constexpr int kInternalError = -32603;
inline constexpr int kServerNotInitialized = -32002;

enum class ReadStatus {
  kMessage,    // `body` holds one message's bytes
  kEnd,        // the stream ended between messages
  kBadHeader,  // a header without a usable Content-Length; `error` says why
};

// The largest message accepted: a document over this cannot be a source file anyway.
inline constexpr size_t kMaxMessageBytes = 256 * 1024 * 1024;

// Reads one framed message: header lines ending in an empty line, then Content-Length bytes.
// After kBadHeader the stream is positioned after the bad header (reading may go on); a stream
// that ends inside a message body gives kEnd.
ReadStatus ReadMessage(std::istream& in, std::string& body, std::string& error);

// Writes `message` with its Content-Length header and flushes.
void WriteMessage(std::ostream& out, const Json& message);

// The standard messages.
Json MakeResponse(const Json& id, Json result);
Json MakeError(const Json& id, int code, const std::string& message);
Json MakeNotification(const std::string& method, Json params);

}  // namespace strata::lsp
