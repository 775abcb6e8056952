// The stdio loop: a buffered burst of edits is compiled once (diagnostics
// published once, for the latest version); malformed frames get a log line
// or a parse-error reply and the session goes on; end of input without
// `exit` ends with 1.
#include <map>
#include <sstream>

#include <gtest/gtest.h>

#include "lsp/server.h"
#include "lsp/transport.h"

using namespace rig::lsp;
using llvm::json::Array;
using llvm::json::Object;

namespace {

std::string frame(const llvm::json::Value &v) {
  std::ostringstream out;
  writeMessage(out, v);
  return out.str();
}

std::vector<llvm::json::Value> readAll(const std::string &s) {
  std::istringstream in(s);
  std::vector<llvm::json::Value> out;
  for (ReadResult r = readMessage(in); r.status != ReadStatus::Eof; r = readMessage(in))
    if (r.status == ReadStatus::Message) out.push_back(std::move(r.json));
  return out;
}

Object change(int version, const char *text) {
  return Object{{"jsonrpc", "2.0"},
                {"method", "textDocument/didChange"},
                {"params", Object{{"textDocument", Object{{"uri", "file:///tmp/r.rig"}, {"version", version}}},
                                  {"contentChanges", Array{Object{{"text", text}}}}}}};
}

} // namespace

TEST(LspRun, BurstOfEditsPublishesOnceAtTheLatestVersion) {
  std::string input = frame(Object{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", Object{}}});
  input += "Content-Length: 9\r\n\r\n{bad json";
  input += "X-Nothing: 1\r\n\r\n";
  input += frame(Object{{"jsonrpc", "2.0"},
                        {"method", "textDocument/didOpen"},
                        {"params", Object{{"textDocument", Object{{"uri", "file:///tmp/r.rig"}, {"version", 1},
                                                                  {"text", "pod p {\n  container c { imagee = \"nginx:1.25\" }\n}\n"}}}}}});
  input += frame(change(2, "pod p {\n  container c { imag = \"nginx:1.25\" }\n}\n"));
  input += frame(change(3, "pod p {\n  container c { image = \"nginx:1.25\" }\n}\n"));
  std::istringstream in(input);
  std::ostringstream out, log;
  EXPECT_EQ(runServer(in, out, log), 1); // input ended without shutdown/exit
  std::vector<llvm::json::Value> replies = readAll(out.str());
  int published = 0, parseErrors = 0;
  for (const llvm::json::Value &v : replies) {
    const Object *o = v.getAsObject();
    if (o->getString("method").getValueOr("") == "textDocument/publishDiagnostics") {
      ++published;
      EXPECT_EQ(o->getObject("params")->getInteger("version").getValueOr(-1), 3);
      for (const llvm::json::Value &d : *o->getObject("params")->getArray("diagnostics"))
        EXPECT_FALSE(d.getAsObject()->getString("message")->contains("imag")); // versions 1 and 2 had typos
    }
    if (const Object *e = o->getObject("error"); e && e->getInteger("code").getValueOr(0) == -32700) ++parseErrors;
  }
  EXPECT_EQ(published, 1);
  EXPECT_EQ(parseErrors, 1);
  EXPECT_NE(log.str().find("Content-Length"), std::string::npos);
}

// Frames already waiting are read ahead, so a cancel behind its request
// makes the reply RequestCancelled (-32800).
TEST(LspRun, CancelQueuedBehindItsRequest) {
  std::string input = frame(Object{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", Object{}}});
  input += frame(Object{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "workspace/symbol"}, {"params", Object{{"query", ""}}}});
  input += frame(Object{{"jsonrpc", "2.0"}, {"id", 3}, {"method", "workspace/symbol"}, {"params", Object{{"query", ""}}}});
  input += frame(Object{{"jsonrpc", "2.0"}, {"method", "$/cancelRequest"}, {"params", Object{{"id", 2}}}});
  input += frame(Object{{"jsonrpc", "2.0"}, {"id", 4}, {"method", "shutdown"}});
  input += frame(Object{{"jsonrpc", "2.0"}, {"method", "exit"}});
  std::istringstream in(input);
  std::ostringstream out, log;
  EXPECT_EQ(runServer(in, out, log), 0);
  std::map<int64_t, int64_t> codes; // id -> error code (0: a result)
  for (const llvm::json::Value &v : readAll(out.str())) {
    const Object *o = v.getAsObject();
    const Object *e = o->getObject("error");
    codes[o->getInteger("id").getValueOr(-1)] = e ? *e->getInteger("code") : 0;
  }
  EXPECT_EQ(codes[2], -32800);
  EXPECT_EQ(codes[3], 0);
  EXPECT_EQ(codes[4], 0);
}

// After `shutdown` nothing is published: edits read in the same batch as
// the shutdown leave no publication behind it. (A large one the client no
// longer reads used to block the server before it could see `exit`.)
TEST(LspRun, NothingIsPublishedAfterShutdown) {
  std::string input = frame(Object{{"jsonrpc", "2.0"}, {"id", 1}, {"method", "initialize"}, {"params", Object{}}});
  input += frame(Object{{"jsonrpc", "2.0"},
                        {"method", "textDocument/didOpen"},
                        {"params", Object{{"textDocument", Object{{"uri", "file:///tmp/r.rig"}, {"version", 1},
                                                                  {"text", "pod p {\n  container c { imagee = \"nginx:1.25\" }\n}\n"}}}}}});
  input += frame(change(2, "pod p {\n  container c { imag = \"nginx:1.25\" }\n}\n"));
  // The input then ends (no `exit`): the loop, finding nothing waiting,
  // flushes what is pending, as it does while a client that waits for the
  // shutdown reply has not yet sent `exit`.
  input += frame(Object{{"jsonrpc", "2.0"}, {"id", 2}, {"method", "shutdown"}});
  std::istringstream in(input);
  std::ostringstream out, log;
  EXPECT_EQ(runServer(in, out, log), 0); // the input ended after a shutdown
  bool shutDown = false;
  for (const llvm::json::Value &v : readAll(out.str())) {
    const Object *o = v.getAsObject();
    if (o->getInteger("id").getValueOr(0) == 2) shutDown = true;
    if (o->getString("method").getValueOr("") == "textDocument/publishDiagnostics") {
      EXPECT_FALSE(shutDown) << "published after the shutdown reply";
    }
  }
  EXPECT_TRUE(shutDown);
}
