// The stdio loop of `rig lsp`: read a frame, handle it, and publish
// diagnostics only when no further input is already waiting, so a burst of
// edits is compiled once, at its latest version.
#include <poll.h>
#include <csignal>
#include <unistd.h>

#include <iostream>

#include "lsp/server.h"
#include "lsp/transport.h"

namespace rig::lsp {

namespace {

bool inputWaiting(std::istream &in) {
  if (in.rdbuf()->in_avail() > 0) return true;
  struct pollfd p = {STDIN_FILENO, POLLIN, 0};
  return &in == &std::cin && poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
}

} // namespace

int runServer(std::istream &in, std::ostream &out, std::ostream &log) {
  // An editor that goes away closes our stdout: writing must then fail,
  // not kill the process before it logs and exits.
  if (&out == &std::cout) std::signal(SIGPIPE, SIG_IGN);
  Server server([&](const llvm::json::Value &v) { writeMessage(out, v); },
                [&](llvm::StringRef m) { log << "rig lsp: " << m.str() << "\n" << std::flush; });
  for (;;) {
    if (!inputWaiting(in)) server.flushDiagnostics();
    ReadResult r = readMessage(in);
    switch (r.status) {
    case ReadStatus::Eof:
      log << "rig lsp: input closed\n";
      return server.shutdownReceived() ? 0 : 1;
    case ReadStatus::BadHeader:
      log << "rig lsp: " << r.error << "\n";
      continue;
    case ReadStatus::BadJson:
      log << "rig lsp: malformed JSON: " << r.error << "\n";
      writeMessage(out, makeError(nullptr, ParseError, "malformed JSON: " + r.error));
      continue;
    case ReadStatus::Message:
      server.handle(r.json);
      if (server.exited()) return server.exitCode();
      continue;
    }
  }
}

} // namespace rig::lsp
