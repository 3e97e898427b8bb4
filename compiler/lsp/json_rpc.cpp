// Content-Length framing of JSON-RPC messages.
#include "compiler/lsp/json_rpc.h"

#include <cctype>
#include <charconv>
#include <istream>
#include <ostream>

namespace strata::lsp {
namespace {

// One header line without its CR LF (a bare LF is accepted too); false at the end of input.
bool ReadHeaderLine(std::istream& in, std::string& line) {
  line.clear();
  if (!std::getline(in, line)) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

bool StartsWithNoCase(const std::string& text, std::string_view prefix) {
  if (text.size() < prefix.size()) return false;
  for (size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

ReadStatus ReadMessage(std::istream& in, std::string& body, std::string& error) {
  std::string line;
  bool any_header = false;
  bool have_length = false;
  size_t length = 0;
  error.clear();
  while (true) {
    if (!ReadHeaderLine(in, line)) return ReadStatus::kEnd;
    if (line.empty()) {
      if (!any_header) continue;  // blank lines between messages
      break;
    }
    any_header = true;
    if (!StartsWithNoCase(line, "content-length:")) {
      if (line.find(':') == std::string::npos)
        error = "malformed header line '" + line.substr(0, 80) + "'";
      continue;  // Content-Type and other headers are allowed
    }
    std::string value = line.substr(15);
    size_t first = value.find_first_not_of(" \t");
    value = first == std::string::npos ? "" : value.substr(first);
    while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), length);
    if (ec != std::errc() || end != value.data() + value.size() || value.empty()) {
      error = "bad Content-Length '" + value.substr(0, 40) + "'";
      continue;
    }
    have_length = true;
  }
  if (!have_length) {
    if (error.empty()) error = "message without a Content-Length header";
    return ReadStatus::kBadHeader;
  }
  if (length > kMaxMessageBytes) {
    error = "Content-Length " + std::to_string(length) + " is over the limit";
    in.ignore(static_cast<std::streamsize>(length));
    return in ? ReadStatus::kBadHeader : ReadStatus::kEnd;
  }
  body.assign(length, '\0');
  in.read(body.data(), static_cast<std::streamsize>(length));
  if (static_cast<size_t>(in.gcount()) != length) return ReadStatus::kEnd;
  return ReadStatus::kMessage;
}

void WriteMessage(std::ostream& out, const Json& message) {
  // Invalid UTF-8 in a document must not make dump() throw: replace it.
  std::string body = message.dump(-1, ' ', false, Json::error_handler_t::replace);
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

Json MakeResponse(const Json& id, Json result) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"result", std::move(result)}};
}

Json MakeError(const Json& id, int code, const std::string& message) {
  return Json{{"jsonrpc", "2.0"}, {"id", id}, {"error", {{"code", code}, {"message", message}}}};
}

Json MakeNotification(const std::string& method, Json params) {
  return Json{{"jsonrpc", "2.0"}, {"method", method}, {"params", std::move(params)}};
}

}  // namespace strata::lsp
