// Scripted language-server sessions, run in-process through the same batch
// handling as `rig lsp` on stdio (lsp/run.cpp).
//
// A session file, tests/golden/lsp/NAME.session, is read line by line:
//
//   # ...          a comment (kept by --autoupdate)
//   # elide: k…    once, anywhere: the values of these JSON keys are shown
//                  as "…" in replies (long hover texts, completion docs)
//   -> BODY        a message the client sends. BODY is sent as the frame's
//                  body byte for byte, so it may be malformed JSON.
//                  Consecutive `->` lines (nothing between them) form one
//                  batch: they are waiting on stdin together, as when an editor sends faster than
//                  the server answers (a `$/cancelRequest` in a batch
//                  cancels an earlier request of the batch; a burst of
//                  edits is compiled once).
//   <- JSON        a message the server sends, in order: replies, then the
//                  diagnostics published once input is idle, then the
//                  solver's findings (the runner waits for the worker).
//   <! TEXT        a line the server logs.
//
// In `->` lines, `$URI` is the URI of the sibling NAME.rig and `$TEXT` its
// contents as a JSON string body; `$URI(F)` and `$TEXT(F)` name another
// file of tests/golden/lsp/. In replies the repository's own file URIs
// are written back as `$URI`/`$URI(F)`, so nothing depends on where the
// checkout lives.
//
// `rig_golden_tests --autoupdate` rewrites the `<-`/`<!` lines of every
// session from what the server does now.
#include "tests/golden/lsp_sessions.h"
#include "tests/support/read_file.h"

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

#include <gtest/gtest.h>

#include "lsp/server.h"
#include "lsp/transport.h"

namespace fs = std::filesystem;
using llvm::json::Value;

namespace rig::golden {

namespace {


// The body of a JSON string holding `s` (no quotes).
std::string jsonStringBody(const std::string &s) {
  std::string out;
  llvm::raw_string_ostream os(out);
  os << Value(s);
  os.flush();
  return out.substr(1, out.size() - 2);
}

void elide(Value &v, const std::set<std::string> &keys) {
  if (llvm::json::Object *o = v.getAsObject()) {
    for (auto &[k, child] : *o) {
      if (keys.count(k.str())) child = "…";
      else elide(child, keys);
    }
  } else if (llvm::json::Array *a = v.getAsArray()) {
    for (Value &child : *a) elide(child, keys);
  }
}

struct Step {
  std::vector<std::string> lines; // comments and `->` lines, verbatim
  std::vector<std::string> sends; // the `->` bodies, substituted
};

class SessionCase : public testing::Test {
public:
  SessionCase(fs::path session, bool autoupdate) : session_(std::move(session)), autoupdate_(autoupdate) {}

  void TestBody() override {
    dir_ = session_.parent_path();
    std::istringstream in(rig::test::readFile(session_));
    std::string line;
    std::vector<Step> steps(1);
    std::set<std::string> elided;
    std::string expected; // the `<-`/`<!` lines as written
    bool lastWasSend = false;
    while (std::getline(in, line)) {
      if (line.rfind("<- ", 0) == 0 || line.rfind("<! ", 0) == 0) {
        expected += line + "\n";
        lastWasSend = false;
        continue;
      }
      if (line.rfind("-> ", 0) == 0) {
        if (!lastWasSend && !steps.back().sends.empty()) steps.emplace_back();
        steps.back().sends.push_back(substitute(line.substr(3)));
        lastWasSend = true;
      } else {
        if (line.rfind("# elide:", 0) == 0) {
          std::istringstream keys(line.substr(8));
          for (std::string k; keys >> k;) elided.insert(k);
        }
        // Any other line ends a batch; the next step's text begins.
        if (!steps.back().sends.empty()) steps.emplace_back();
        lastWasSend = false;
      }
      steps.back().lines.push_back(line);
    }

    std::vector<std::string> out; // per step, what the server said
    std::string current;
    lsp::Server::Send send = [&](const Value &v) {
      Value copy = v;
      elide(copy, elided);
      std::string s;
      llvm::raw_string_ostream os(s);
      os << copy;
      os.flush();
      current += "<- " + unsubstitute(s) + "\n";
    };
    lsp::Server::Log log = [&](llvm::StringRef m) { current += "<! " + unsubstitute(m.str()) + "\n"; };
    std::string actual, rewritten;
    {
      lsp::Server server(send, log);
      bool ended = false;
      for (const Step &st : steps) {
        current.clear();
        if (!st.sends.empty() && !ended) {
          std::string bytes;
          for (const std::string &body : st.sends)
            bytes += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
          std::istringstream frames(bytes);
          std::vector<lsp::ReadResult> batch;
          for (lsp::ReadResult r = lsp::readMessage(frames); r.status != lsp::ReadStatus::Eof;
               r = lsp::readMessage(frames)) {
            if (r.status == lsp::ReadStatus::Message) server.lookAhead(r.json);
            batch.push_back(std::move(r));
          }
          if (std::optional<int> code = lsp::handleBatch(server, batch, send, log)) {
            current += "<! exit " + std::to_string(*code) + "\n";
            ended = true;
          } else {
            // Input is idle now: the debounce fires, then the solver's turn.
            server.flushDiagnostics();
            server.waitForSolver();
            server.publishSolverFindings();
          }
        }
        actual += current;
        for (const std::string &l : st.lines) rewritten += l + "\n";
        rewritten += current;
      }
    }
    if (autoupdate_) {
      if (rig::test::readFile(session_) != rewritten) std::ofstream(session_, std::ios::binary | std::ios::trunc) << rewritten;
      return;
    }
    EXPECT_EQ(expected, actual) << "session mismatch in " << session_.filename().string()
                                << "; if the change is intended, run rig_golden_tests --autoupdate";
  }

private:
  std::string uriOf(const std::string &file) const { return lsp::pathToUri((dir_ / file).string()); }
  std::string defaultFile() const { return session_.stem().string() + ".rig"; }

  std::string substitute(const std::string &s) const {
    static const std::regex var(R"(\$(URI|TEXT)(\(([^)]+)\))?)");
    std::string out;
    auto it = std::sregex_iterator(s.begin(), s.end(), var);
    size_t last = 0;
    for (; it != std::sregex_iterator(); ++it) {
      const std::smatch &m = *it;
      out += s.substr(last, m.position() - last);
      std::string file = m[3].matched ? m[3].str() : defaultFile();
      if (m[1] == "URI") out += uriOf(file);
      else {
        EXPECT_TRUE(fs::exists(dir_ / file)) << file << " is missing beside " << session_.filename().string();
        out += jsonStringBody(rig::test::readFile(dir_ / file));
      }
      last = m.position() + m.length();
    }
    return out + s.substr(last);
  }

  // Repository URIs back to `$URI` / `$URI(F)`.
  std::string unsubstitute(std::string s) const {
    std::string prefix = lsp::pathToUri(dir_.string()) + "/";
    for (size_t at; (at = s.find(prefix)) != std::string::npos;) {
      size_t end = at + prefix.size();
      while (end < s.size() && s[end] != '"' && s[end] != ' ' && s[end] != '`') ++end;
      std::string file = s.substr(at + prefix.size(), end - at - prefix.size());
      s.replace(at, end - at, file == defaultFile() ? "$URI" : "$URI(" + file + ")");
    }
    return s;
  }

  fs::path session_, dir_;
  bool autoupdate_;
};

} // namespace

void registerLspSessions(const fs::path &root, bool autoupdate) {
  fs::path dir = root / "tests" / "golden" / "lsp";
  if (!fs::is_directory(dir)) return;
  std::vector<fs::path> sessions;
  for (const auto &e : fs::directory_iterator(dir))
    if (e.path().extension() == ".session") sessions.push_back(e.path());
  std::sort(sessions.begin(), sessions.end());
  for (const fs::path &p : sessions) {
    std::string name;
    for (char c : p.stem().string()) name += std::isalnum((unsigned char)c) ? c : '_';
    testing::RegisterTest("lsp_session", name.c_str(), nullptr, nullptr, __FILE__, __LINE__,
                          [=]() -> testing::Test * { return new SessionCase(p, autoupdate); });
  }
}

} // namespace rig::golden
