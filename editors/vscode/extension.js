// Starts `rig lsp` over stdio for .rig files. Everything the editor shows
// (diagnostics, hover, completion, formatting, outline, quick fixes) comes
// from the server; this file only launches it.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('rig').get('path') || 'rig';
  const server = { command, args: ['lsp'], transport: TransportKind.stdio };
  client = new LanguageClient('rig', 'rig language server', { run: server, debug: server }, {
    documentSelector: [{ scheme: 'file', language: 'rig' }],
  });
  context.subscriptions.push({ dispose: () => client && client.stop() });
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
