// Content-Length framing: well-formed frames, several in a row, and every
// kind of malformed input giving a status (never a crash or a hang).
#include <sstream>

#include <gtest/gtest.h>

#include "lsp/transport.h"

using namespace rig::lsp;

namespace {

std::string frame(const std::string &body) {
  return "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

} // namespace

TEST(LspTransport, ReadsFramesInOrder) {
  std::istringstream in(frame(R"({"a":1})") + "Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n" +
                        frame(R"({"b":"é"})"));
  ReadResult r1 = readMessage(in);
  ASSERT_EQ(r1.status, ReadStatus::Message);
  EXPECT_EQ(*r1.json.getAsObject()->getInteger("a"), 1);
  ReadResult r2 = readMessage(in);
  ASSERT_EQ(r2.status, ReadStatus::Message);
  EXPECT_EQ(*r2.json.getAsObject()->getString("b"), "é");
  EXPECT_EQ(readMessage(in).status, ReadStatus::Eof);
}

TEST(LspTransport, WriteThenReadRoundTrips) {
  std::ostringstream out;
  writeMessage(out, llvm::json::Object{{"x", "ü"}});
  EXPECT_EQ(out.str().rfind("Content-Length: ", 0), 0u);
  std::istringstream in(out.str());
  ReadResult r = readMessage(in);
  ASSERT_EQ(r.status, ReadStatus::Message);
  EXPECT_EQ(*r.json.getAsObject()->getString("x"), "ü");
}

TEST(LspTransport, MalformedJsonIsReportedAndReadingGoesOn) {
  std::istringstream in(frame("{not json") + frame("[1]"));
  ReadResult r = readMessage(in);
  EXPECT_EQ(r.status, ReadStatus::BadJson);
  EXPECT_FALSE(r.error.empty());
  EXPECT_EQ(readMessage(in).status, ReadStatus::Message);
}

TEST(LspTransport, MissingOrBadContentLength) {
  std::istringstream noLength("Content-Type: x\r\n\r\n" + frame("{}"));
  EXPECT_EQ(readMessage(noLength).status, ReadStatus::BadHeader);
  std::istringstream bad("Content-Length: abc\r\n\r\n");
  EXPECT_EQ(readMessage(bad).status, ReadStatus::BadHeader);
  std::istringstream negative("Content-Length: -5\r\n\r\n");
  EXPECT_EQ(readMessage(negative).status, ReadStatus::BadHeader);
  std::istringstream huge("Content-Length: 99999999999999\r\n\r\n{}");
  EXPECT_EQ(readMessage(huge).status, ReadStatus::BadHeader);
}

TEST(LspTransport, TruncatedInputIsEof) {
  std::istringstream shortBody("Content-Length: 100\r\n\r\n{}");
  EXPECT_EQ(readMessage(shortBody).status, ReadStatus::Eof);
  std::istringstream headerOnly("Content-Length: 2\r\n");
  EXPECT_EQ(readMessage(headerOnly).status, ReadStatus::Eof);
  std::istringstream empty("");
  EXPECT_EQ(readMessage(empty).status, ReadStatus::Eof);
}
