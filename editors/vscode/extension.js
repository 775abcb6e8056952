// Starts `rig lsp` over stdio for .rig files. All language smarts live in the
// server; this file only finds the executable and wires stdio.
const vscode = require('vscode');
const { LanguageClient, TransportKind } = require('vscode-languageclient/node');

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration('rig').get('path') || 'rig';
  const serverOptions = { command, args: ['lsp'], transport: TransportKind.stdio };
  const clientOptions = { documentSelector: [{ scheme: 'file', language: 'rig' }] };
  client = new LanguageClient('rig', 'rig language server', serverOptions, clientOptions);
  client.start();
  context.subscriptions.push({ dispose: () => client && client.stop() });
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
