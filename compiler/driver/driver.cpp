#include "compiler/driver/driver.h"

#include <filesystem>
#include <fstream>
#include <sstream>

namespace rig {

std::unique_ptr<Compilation> compile(std::vector<SourceInput> inputs, const CompileOptions &opts) {
  auto c = std::make_unique<Compilation>();
  std::vector<FileId> ids;
  for (SourceInput &in : inputs) ids.push_back(c->sources.addFile(std::move(in.name), std::move(in.text)));
  c->files.reserve(ids.size());
  for (FileId id : ids) c->files.push_back(parse(c->sources, id, c->diags, opts.parse));
  auto finish = [&]() {
    if (opts.werror) c->diags.promoteWarningsToErrors();
    c->diags.sortByLocation();
    return std::move(c);
  };
  if (opts.stopAfter == Phase::Parse) return finish();
  // Checking a file that failed to parse would mostly repeat its syntax
  // errors as semantic ones; check only when parsing was clean.
  if (c->diags.hasErrors()) return finish();
  std::vector<const ast::File *> files;
  for (const ast::File &f : c->files) files.push_back(&f);
  CheckOptions checkOpts;
  checkOpts.target = opts.target;
  c->program = check(files, c->sources, c->diags, checkOpts);
  if (opts.stopAfter == Phase::Check || c->diags.hasErrors()) return finish();
  c->verified = verify::verify(c->program, c->diags, opts.verify);
  if (opts.stopAfter == Phase::Verify) return finish();
  if (opts.werror && c->diags.warningCount() > 0) return finish();
  if (!c->diags.hasErrors()) c->outputs = emit::emitKubernetes(c->program, opts.emit, opts.streamOnly);
  return finish();
}

std::unique_ptr<Compilation> compileFiles(const std::vector<std::string> &paths, const CompileOptions &opts) {
  std::vector<SourceInput> inputs;
  std::vector<std::pair<std::string, std::string>> unreadable;
  for (const std::string &p : paths) {
    std::ifstream in(p, std::ios::binary);
    std::error_code ec;
    if (!in || std::filesystem::is_directory(p, ec)) {
      unreadable.emplace_back(p, std::filesystem::is_directory(p, ec) ? "it is a directory" : "no such file or not readable");
      continue;
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    inputs.push_back({p, ss.str()});
  }
  if (!unreadable.empty()) {
    auto c = std::make_unique<Compilation>();
    for (auto &[p, why] : unreadable) c->diags.report(DiagKind::InputNotFound, SourceRange{}, p, why);
    return c;
  }
  return compile(std::move(inputs), opts);
}

std::string depfile(const std::string &target, const std::vector<std::string> &inputs) {
  auto escape = [](const std::string &s) {
    std::string o;
    for (char ch : s) {
      if (ch == ' ' || ch == '#') o += '\\';
      if (ch == '$') o += '$';
      o += ch;
    }
    return o;
  };
  std::string out = escape(target) + ":";
  for (const std::string &i : inputs) out += " " + escape(i);
  return out + "\n";
}

} // namespace rig
