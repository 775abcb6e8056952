#include "lsp/transport.h"

#include <cctype>
#include <charconv>

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/raw_ostream.h"

namespace rig::lsp {

namespace {

// One header line without its `\r\n` (a bare `\n` is accepted too).
bool readHeaderLine(std::istream &in, std::string &line) {
  if (!std::getline(in, line)) return false;
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return true;
}

} // namespace

ReadResult readMessage(std::istream &in) {
  ReadResult r;
  std::string line;
  bool haveLength = false, badLength = false, sawHeader = false;
  size_t length = 0;
  for (;;) {
    if (!readHeaderLine(in, line)) return r; // Eof
    if (line.empty()) {
      if (!sawHeader) continue; // stray blank lines between frames
      break;
    }
    sawHeader = true;
    llvm::StringRef l(line);
    auto [name, value] = l.split(':');
    if (name.trim().equals_insensitive("content-length")) {
      value = value.trim();
      unsigned long long n = 0;
      if (value.empty() || value.getAsInteger(10, n)) badLength = true;
      else {
        length = static_cast<size_t>(n);
        haveLength = true;
      }
    }
    // Other headers (Content-Type) are ignored, as the protocol allows.
  }
  if (!haveLength || badLength) {
    r.status = ReadStatus::BadHeader;
    r.error = "frame without a valid Content-Length header";
    return r;
  }
  if (length > kMaxMessageBytes) {
    in.ignore(static_cast<std::streamsize>(length));
    r.status = ReadStatus::BadHeader;
    r.error = "frame of " + std::to_string(length) + " bytes is larger than the limit";
    return r;
  }
  std::string body(length, '\0');
  in.read(body.data(), static_cast<std::streamsize>(length));
  if (static_cast<size_t>(in.gcount()) != length) return r; // Eof inside a body
  llvm::Expected<llvm::json::Value> v = llvm::json::parse(body);
  if (!v) {
    r.status = ReadStatus::BadJson;
    r.error = llvm::toString(v.takeError());
    return r;
  }
  r.status = ReadStatus::Message;
  r.json = std::move(*v);
  return r;
}

void writeMessage(std::ostream &out, const llvm::json::Value &message) {
  std::string body;
  llvm::raw_string_ostream os(body);
  os << message;
  os.flush();
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

} // namespace rig::lsp
