// The whole of a file, as bytes: what every test that reads inputs,
// expected outputs or examples needs. Empty when the file cannot be read
// (the tests then fail on its content).
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace rig::test {

inline std::string readFile(const std::filesystem::path &p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

} // namespace rig::test
