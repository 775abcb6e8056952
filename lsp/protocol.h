// Protocol: the LSP shapes the server uses, as small structs with
// conversions to and from llvm::json. Positions are LSP's: 0-based lines and
// UTF-16 code units. Nothing here knows about the compiler.
#pragma once

#include <optional>
#include <string>

#include "llvm/Support/JSON.h"

namespace rig::lsp {

// JSON-RPC and LSP error codes.
enum ErrorCode : int {
  ParseError = -32700,
  InvalidRequest = -32600,
  MethodNotFound = -32601,
  InvalidParams = -32602,
  InternalError = -32603,
  ServerNotInitialized = -32002,
  RequestCancelled = -32800,
};

struct Position {
  uint32_t line = 0;
  uint32_t character = 0;
};

struct Range {
  Position start, end;
};

llvm::json::Value toJSON(const Position &p);
llvm::json::Value toJSON(const Range &r);
// Missing or negative numbers give nullopt: the caller answers InvalidParams.
std::optional<Position> positionFromJSON(const llvm::json::Value *v);
std::optional<Range> rangeFromJSON(const llvm::json::Value *v);

// LSP enums (the subset used).
enum class DiagnosticSeverity { Error = 1, Warning = 2, Information = 3, Hint = 4 };
enum class SymbolKind { File = 1, Module = 2, Namespace = 3, Class = 5, Method = 6, Property = 7, Field = 8,
                        Function = 12, Variable = 13, Constant = 14, Object = 19, Struct = 23, Event = 24 };
enum class CompletionItemKind { Field = 5, Variable = 6, Class = 7, Module = 9, Property = 10, Keyword = 14,
                                Snippet = 15, Reference = 18 };

// `file:///a/b%20c.rig` <-> `/a/b c.rig`. Non-file URIs map to themselves.
std::string uriToPath(llvm::StringRef uri);
std::string pathToUri(llvm::StringRef path);

// Builders for JSON-RPC envelopes.
llvm::json::Value makeResponse(const llvm::json::Value &id, llvm::json::Value result);
llvm::json::Value makeError(const llvm::json::Value &id, int code, llvm::StringRef message);
llvm::json::Value makeNotification(llvm::StringRef method, llvm::json::Value params);

} // namespace rig::lsp
