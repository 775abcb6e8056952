// Transport: JSON-RPC messages framed by `Content-Length` headers over a
// byte stream (stdio). Knows nothing about LSP; never throws. Malformed
// frames come back as a status with a reason so the caller can log it or
// answer a parse error, and reading goes on with the next frame.
#pragma once

#include <istream>
#include <ostream>
#include <string>

#include "llvm/Support/JSON.h"

namespace rig::lsp {

enum class ReadStatus {
  Message,   // `json` holds a parsed message
  Eof,       // the stream ended (between frames or inside one)
  BadHeader, // the header block had no valid Content-Length; the frame was skipped
  BadJson,   // the body was not JSON; `error` says why
};

struct ReadResult {
  ReadStatus status = ReadStatus::Eof;
  llvm::json::Value json = nullptr;
  std::string error;
};

// A frame larger than this is refused (and its body skipped) so a broken
// header cannot make the server allocate without bound.
constexpr size_t kMaxMessageBytes = 256u << 20;

ReadResult readMessage(std::istream &in);

// Writes `Content-Length: N\r\n\r\n` and the compact JSON, then flushes.
void writeMessage(std::ostream &out, const llvm::json::Value &message);

} // namespace rig::lsp
