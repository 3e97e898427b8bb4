// The JSON-RPC message loop, the lifecycle and the dispatch to features. Malformed input gets
// a JSON-RPC error and the loop goes on; nothing a client sends ends the process but `exit`.
#include "compiler/lsp/server.h"

#include <exception>
#include <istream>

#include "compiler/lsp/features.h"
#include "compiler/lsp/positions.h"

namespace strata::lsp {

Json ServerCapabilities() {
  return Json{
      {"positionEncoding", "utf-16"},
      {"textDocumentSync", {{"openClose", true}, {"change", 2}}},  // 2: incremental
      {"hoverProvider", true},
      {"definitionProvider", true},
      {"completionProvider", {{"triggerCharacters", {"."}}}},
      {"documentSymbolProvider", true},
      {"documentFormattingProvider", true},
  };
}

int Server::Run() {
  std::string body, error;
  while (!exited_) {
    ReadStatus status = ReadMessage(in_, body, error);
    if (status == ReadStatus::kEnd) break;
    if (status == ReadStatus::kBadHeader) {
      Send(MakeError(nullptr, kParseError, error));
      continue;
    }
    HandleMessage(body);
  }
  return shutdown_ && exited_ ? 0 : 1;
}

void Server::Send(const Json& message) { WriteMessage(out_, message); }

void Server::HandleMessage(const std::string& body) {
  Json message = Json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (message.is_discarded()) {
    Send(MakeError(nullptr, kParseError, "parse error: the message is not JSON"));
    return;
  }
  if (message.is_array()) {
    // Batches were dropped from LSP; answer as the spec answers an empty or invalid one.
    Send(MakeError(nullptr, kInvalidRequest, "batch messages are not supported"));
    return;
  }
  Json id = message.is_object() && message.contains("id") ? message["id"] : Json();
  bool valid_id = id.is_null() || id.is_string() || id.is_number_integer();
  if (!message.is_object() || !message.contains("method") || !message["method"].is_string() ||
      !valid_id || (message.contains("jsonrpc") && message["jsonrpc"] != "2.0")) {
    // A response from the client (to a request this server never makes) is ignored.
    if (message.is_object() && message.contains("id") &&
        (message.contains("result") || message.contains("error")))
      return;
    Send(MakeError(valid_id ? id : Json(), kInvalidRequest,
                   "invalid request: expected an object with \"method\""));
    return;
  }
  std::string method = message["method"];
  Json params = message.contains("params") ? message["params"] : Json::object();
  if (message.contains("id")) {
    HandleRequest(id, method, params);
  } else {
    HandleNotification(method, params);
  }
}

void Server::HandleRequest(const Json& id, const std::string& method, const Json& params) {
  if (method == "initialize") {
    if (initialized_) {
      Send(MakeError(id, kInvalidRequest, "initialize was already received"));
      return;
    }
    initialized_ = true;
    Send(MakeResponse(id, {{"capabilities", ServerCapabilities()},
                           {"serverInfo", {{"name", "strata-lsp"}, {"version", "0.1.0"}}}}));
    return;
  }
  if (!initialized_) {
    Send(MakeError(id, kServerNotInitialized, "the server is not initialized"));
    return;
  }
  if (shutdown_) {
    Send(MakeError(id, kInvalidRequest, "the server is shut down"));
    return;
  }
  try {
    if (method == "shutdown") {
      shutdown_ = true;
      Send(MakeResponse(id, nullptr));
    } else if (method == "textDocument/hover") {
      Send(MakeResponse(id, Hover(workspace_, params)));
    } else if (method == "textDocument/definition") {
      Send(MakeResponse(id, Definition(workspace_, params)));
    } else if (method == "textDocument/completion") {
      Send(MakeResponse(id, Completion(workspace_, params)));
    } else if (method == "textDocument/documentSymbol") {
      Send(MakeResponse(id, DocumentSymbols(workspace_, params)));
    } else if (method == "textDocument/formatting") {
      Send(MakeResponse(id, Formatting(workspace_, params)));
    } else {
      Send(MakeError(id, kMethodNotFound, "method not found: " + method));
    }
  } catch (const Json::exception& error) {
    Send(MakeError(id, kInvalidParams, std::string("invalid params: ") + error.what()));
  } catch (const std::exception& error) {
    Send(MakeError(id, kInternalError, std::string("internal error: ") + error.what()));
  }
}

void Server::Publish(const std::vector<std::string>& uris) {
  for (const std::string& uri : uris)
    if (const Document* document = workspace_.Find(uri))
      Send(MakeNotification("textDocument/publishDiagnostics",
                            DiagnosticsParams(workspace_, *document)));
}

void Server::DidChange(const Json& params) {
  const std::string& uri = params.at("textDocument").at("uri").get_ref<const std::string&>();
  Document* document = workspace_.Find(uri);
  if (!document) return;
  std::string text = document->text;
  for (const Json& change : params.at("contentChanges")) {
    const std::string& replacement = change.at("text").get_ref<const std::string&>();
    if (!change.contains("range")) {
      text = replacement;
      continue;
    }
    LineIndex index(text);
    const Json& range = change["range"];
    uint32_t begin = index.ToOffset({range.at("start").at("line").get<uint32_t>(),
                                     range.at("start").at("character").get<uint32_t>()});
    uint32_t end = index.ToOffset({range.at("end").at("line").get<uint32_t>(),
                                   range.at("end").at("character").get<uint32_t>()});
    if (end < begin) std::swap(begin, end);
    text.replace(begin, end - begin, replacement);
  }
  int64_t version = params.at("textDocument").value("version", document->version + 1);
  Publish(workspace_.Update(uri, std::move(text), version));
}

void Server::HandleNotification(const std::string& method, const Json& params) {
  if (method == "exit") {
    exited_ = true;
    return;
  }
  // Before initialize, notifications are dropped (the spec); after shutdown, too.
  if (!initialized_ || shutdown_) return;
  try {
    if (method == "textDocument/didOpen") {
      const Json& item = params.at("textDocument");
      Publish(workspace_.Update(item.at("uri").get<std::string>(),
                                item.at("text").get<std::string>(), item.value("version", 0)));
    } else if (method == "textDocument/didChange") {
      DidChange(params);
    } else if (method == "textDocument/didClose") {
      std::string uri = params.at("textDocument").at("uri").get<std::string>();
      std::vector<std::string> analysed = workspace_.Close(uri);
      Send(MakeNotification("textDocument/publishDiagnostics",
                            {{"uri", uri}, {"diagnostics", Json::array()}}));
      Publish(analysed);
    }
    // Other notifications (initialized, didSave, $/cancelRequest, ...) need nothing.
  } catch (const std::exception& error) {
    // A notification has no reply: tell the user through the log.
    Send(MakeNotification(
        "window/logMessage",
        {{"type", 1}, {"message", std::string("strata lsp: ") + method + ": " + error.what()}}));
  }
}

}  // namespace strata::lsp
