// The stdio loop of `rig lsp`.
//
// Batches: the loop blocks for one message, then reads every further
// message already waiting (up to kMaxBatch) before handling any. That is
// what makes `$/cancelRequest` work although messages are handled in
// order on one thread: a cancel queued behind its request is seen (by
// Server::lookAhead) before the request is answered, which is then
// answered RequestCancelled. A request whose answer was already sent when
// its cancel arrives is not affected, as LSP allows.
//
// Debounce: diagnostics are compiled and published only when no input is
// waiting after a batch, so a burst of edits is compiled once, at its
// latest version.
//
// Solver: the verify phase runs on the server's worker thread. While
// waiting for input the loop also waits on a self-pipe the worker writes
// to when it has findings, and publishes them between messages. On a
// finite input (a file, a string stream in tests) the loop instead waits
// for the worker before reading on, so replies come in a fixed order.
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <iostream>

#include "lsp/server.h"
#include "lsp/transport.h"

namespace rig::lsp {

namespace {

constexpr size_t kMaxBatch = 64;

bool inputWaiting(std::istream &in) {
  if (in.rdbuf()->in_avail() > 0) return true;
  struct pollfd p = {STDIN_FILENO, POLLIN, 0};
  return &in == &std::cin && poll(&p, 1, 0) > 0 && (p.revents & (POLLIN | POLLHUP));
}

// The worker's "findings ready" signal, as a pipe a poll() can wait on.
class Wakeup {
public:
  Wakeup() {
    if (pipe(fds_) != 0) fds_[0] = fds_[1] = -1;
    for (int fd : fds_)
      if (fd >= 0) fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK), fcntl(fd, F_SETFD, FD_CLOEXEC);
  }
  ~Wakeup() {
    for (int fd : fds_)
      if (fd >= 0) close(fd);
  }
  // Called on the worker thread; a full pipe already means "wake up".
  void notify() {
    char b = 1;
    if (fds_[1] >= 0) (void)!write(fds_[1], &b, 1);
  }
  void drain() {
    char buf[64];
    while (fds_[0] >= 0 && read(fds_[0], buf, sizeof buf) > 0) {
    }
  }
  int fd() const { return fds_[0]; }

private:
  int fds_[2] = {-1, -1};
};

// Blocks until stdin is readable, publishing solver findings as they come.
void waitForInput(Server &server, Wakeup &wakeup) {
  for (;;) {
    struct pollfd p[2] = {{STDIN_FILENO, POLLIN, 0}, {wakeup.fd(), POLLIN, 0}};
    int n = poll(p, wakeup.fd() >= 0 ? 2 : 1, -1);
    if (n < 0 && errno == EINTR) continue;
    if (n > 0 && (p[1].revents & POLLIN)) {
      wakeup.drain();
      server.publishSolverFindings();
    }
    if (n < 0 || (p[0].revents & (POLLIN | POLLHUP | POLLERR))) return;
  }
}

} // namespace

std::optional<int> handleBatch(Server &server, std::vector<ReadResult> &batch, const Server::Send &send,
                               const Server::Log &log) {
  for (ReadResult &r : batch) {
    switch (r.status) {
    case ReadStatus::Eof:
      log("input closed");
      return server.shutdownReceived() ? 0 : 1;
    case ReadStatus::BadHeader:
      log(r.error);
      continue;
    case ReadStatus::BadJson:
      log("malformed JSON: " + r.error);
      send(makeError(nullptr, ParseError, "malformed JSON: " + r.error));
      continue;
    case ReadStatus::Message:
      server.handle(r.json);
      if (server.exited()) return server.exitCode();
      r.json = nullptr; // a didOpen's text is not kept until the batch ends
      continue;
    }
  }
  server.endBatch();
  return std::nullopt;
}

int runServer(std::istream &in, std::ostream &out, std::ostream &log) {
  const bool isStdin = &in == &std::cin;
  // An editor that goes away closes our stdout: writing must then fail,
  // not kill the process before it logs and exits.
  if (&out == &std::cout) std::signal(SIGPIPE, SIG_IGN);
  // Before the server: its worker may still notify while being joined.
  Wakeup wakeup;
  Server::Send send = [&](const llvm::json::Value &v) { writeMessage(out, v); };
  Server::Log logLine = [&](llvm::StringRef m) { log << "rig lsp: " << m.str() << "\n" << std::flush; };
  Server server(send, logLine, [&wakeup] { wakeup.notify(); });
  std::vector<ReadResult> batch;
  for (;;) {
    if (!inputWaiting(in)) {
      server.flushDiagnostics();
      if (isStdin) {
        server.publishSolverFindings();
        waitForInput(server, wakeup);
      } else {
        server.waitForSolver();
        server.publishSolverFindings();
      }
    }
    batch.clear();
    do {
      batch.push_back(readMessage(in));
      if (batch.back().status == ReadStatus::Message) server.lookAhead(batch.back().json);
    } while (batch.back().status != ReadStatus::Eof && batch.size() < kMaxBatch && inputWaiting(in));
    if (std::optional<int> code = handleBatch(server, batch, send, logLine)) return *code;
  }
}

} // namespace rig::lsp
