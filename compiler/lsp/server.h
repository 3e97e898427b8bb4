// The language server's message loop: reads JSON-RPC requests and notifications, answers
// them through the features, and follows the LSP lifecycle (initialize, shutdown, exit).
#pragma once

#include <iosfwd>

#include "compiler/lsp/json_rpc.h"
#include "compiler/lsp/workspace.h"

namespace strata::lsp {

class Server {
 public:
  Server(std::istream& in, std::ostream& out) : in_(in), out_(out) {}

  // Serves until `exit` or the end of input. Returns the process's exit code: 0 when `exit`
  // came after `shutdown`, 1 otherwise (LSP 3.17, "exit Notification").
  int Run();

  // Handles one message's bytes (tests call this directly); writes any reply.
  void HandleMessage(const std::string& body);
  bool exited() const { return exited_; }

 private:
  void HandleRequest(const Json& id, const std::string& method, const Json& params);
  void HandleNotification(const std::string& method, const Json& params);
  void Publish(const std::vector<std::string>& uris);
  void DidChange(const Json& params);
  void Send(const Json& message);

  std::istream& in_;
  std::ostream& out_;
  Workspace workspace_;
  bool initialized_ = false;
  bool shutdown_ = false;
  bool exited_ = false;
};

// The capabilities `initialize` announces.
Json ServerCapabilities();

}  // namespace strata::lsp
