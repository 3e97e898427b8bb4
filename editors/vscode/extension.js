// Starts `strata lsp` (the setting `strata.path` names the program) for .strata files.
const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("strata").get("path") || "strata";
  const server = { command, args: ["lsp"], transport: TransportKind.stdio };
  client = new LanguageClient(
    "strata",
    "Strata",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "strata" }, { scheme: "untitled", language: "strata" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
