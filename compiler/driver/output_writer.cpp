// All-or-nothing output: stage every file in a sibling directory, then swap
// it in with renames, so a reader sees either the old outputs or the new.
#include <filesystem>
#include <fstream>
#include <unistd.h>

#include "compiler/driver/driver.h"

namespace rig {

namespace fs = std::filesystem;

namespace {

std::string writeFile(const fs::path &path, const std::string &content) {
  std::error_code ec;
  fs::create_directories(path.parent_path(), ec);
  if (ec) return "cannot create " + path.parent_path().string() + ": " + ec.message();
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(content.data(), static_cast<std::streamsize>(content.size()));
  out.close();
  if (!out) return "cannot write " + path.string();
  return "";
}

} // namespace

std::string writeOutputDirectory(const emit::EmitResult &outputs, const std::string &dirName) {
  std::error_code ec;
  fs::path dir = fs::path(dirName).lexically_normal();
  if (dir.filename().empty()) dir = dir.parent_path();
  if (fs::exists(dir, ec)) {
    if (!fs::is_directory(dir, ec)) return dir.string() + " exists and is not a directory";
    bool empty = fs::is_empty(dir, ec);
    if (!empty && !fs::exists(dir / kOutputMarker, ec))
      return "refusing to replace " + dir.string() + ": it is not empty and was not written by rig (no " +
             kOutputMarker + " file); choose another -o directory";
  }
  fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
  fs::create_directories(parent, ec);
  std::string suffix = ".rig-" + std::to_string(::getpid());
  fs::path staging = parent / (dir.filename().string() + suffix + ".new");
  fs::path old = parent / (dir.filename().string() + suffix + ".old");
  fs::remove_all(staging, ec);
  for (const emit::OutputFile &f : outputs.files) {
    std::string err = writeFile(staging / f.path, f.content);
    if (!err.empty()) {
      fs::remove_all(staging, ec);
      return err;
    }
  }
  std::string err = writeFile(staging / kOutputMarker, "This directory is written by `rig build`; it is replaced on every build.\n");
  if (!err.empty()) {
    fs::remove_all(staging, ec);
    return err;
  }
  bool hadOld = fs::exists(dir, ec);
  if (hadOld) {
    fs::rename(dir, old, ec);
    if (ec) {
      fs::remove_all(staging, ec);
      return "cannot replace " + dir.string() + ": " + ec.message();
    }
  }
  fs::rename(staging, dir, ec);
  if (ec) {
    std::string msg = "cannot move outputs into " + dir.string() + ": " + ec.message();
    if (hadOld) fs::rename(old, dir, ec); // put the previous outputs back
    fs::remove_all(staging, ec);
    return msg;
  }
  if (hadOld) fs::remove_all(old, ec);
  return "";
}

} // namespace rig
