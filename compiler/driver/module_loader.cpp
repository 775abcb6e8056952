#include "compiler/driver/module_loader.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "stdlib/embedded.h"

namespace fs = std::filesystem;

namespace rig {

namespace {

std::optional<std::string> readFromDisk(const std::string &path) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return std::nullopt;
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The path with symlinks resolved when it exists, else lexically normal.
fs::path realOrNormal(const fs::path &p) {
  std::error_code ec;
  fs::path real = fs::weakly_canonical(p, ec);
  return ec ? p.lexically_normal() : real;
}

bool isInside(const fs::path &p, const fs::path &root) {
  fs::path rel = p.lexically_relative(root);
  return !rel.empty() && *rel.begin() != "..";
}

class Loader {
public:
  Loader(std::vector<ast::File> &files, SourceManager &sm, Diagnostics &diags, const ModuleLoadOptions &opts)
      : files_(files), sm_(sm), diags_(diags), opts_(opts) {
    read_ = opts.readFile ? opts.readFile : readFromDisk;
  }

  ModuleGraph run() {
    std::string rootText = opts_.root;
    if (rootText.empty() && !files_.empty()) rootText = fs::path(sm_.name(files_[0].id).str()).parent_path().string();
    if (rootText.empty()) rootText = ".";
    root_ = fs::absolute(fs::path(rootText)).lexically_normal();
    realRoot_ = realOrNormal(root_);
    for (const ast::File &f : files_) graph_.modules.push_back({sm_.name(f.id).str(), false, true});
    inputs_ = files_.size();
    edges_.resize(files_.size());
    for (size_t i = 0; i < files_.size(); ++i) {
      // Collect first: parsing an import appends to files_.
      std::vector<const ast::ImportDecl *> imports;
      for (const ast::ItemPtr &it : files_[i].items)
        if (auto *imp = llvm::dyn_cast<ast::ImportDecl>(it.get())) imports.push_back(imp);
      for (const ast::ImportDecl *imp : imports)
        if (auto target = resolve(i, *imp)) {
          graph_.imports[imp] = *target;
          edges_[i].emplace_back(imp, *target);
        }
    }
    reportCycles();
    return std::move(graph_);
  }

private:
  // Loads (once) the file an import names; nullopt after reporting why not.
  std::optional<size_t> resolve(size_t importer, const ast::ImportDecl &imp) {
    llvm::StringRef path = imp.path;
    const ModuleGraph::Module &from = graph_.modules[importer];
    if (path.empty()) {
      diags_.report(DiagKind::ImportNotFound, imp.pathRange, "", "the path is empty");
      return std::nullopt;
    }
    if (path.startswith("/")) {
      diags_.report(DiagKind::ImportEscapesRoot, imp.pathRange, path.str(),
                    "absolute paths are not allowed; write the path relative to the importing file");
      return std::nullopt;
    }
    if (path.startswith("std/") || from.stdlib) {
      std::string stdPath = path.startswith("std/") ? path.str()
                                                    : (fs::path(from.path).parent_path() / path.str()).lexically_normal().string();
      if (!llvm::StringRef(stdPath).startswith("std/")) {
        diags_.report(DiagKind::ImportEscapesRoot, imp.pathRange, path.str(), "a standard library module can import only `std/…`");
        return std::nullopt;
      }
      const stdlib::EmbeddedFile *f = stdlib::find(stdPath);
      if (!f) {
        std::vector<std::string> names;
        for (const stdlib::EmbeddedFile &e : stdlib::files()) names.push_back(e.path.drop_back(4).str());
        Diagnostic &d = diags_.report(DiagKind::ImportNotFound, imp.pathRange, path.str(), "the standard library has no such module");
        if (std::string close = closestMatch(llvm::StringRef(stdPath).rtrim(".rig"), names); !close.empty())
          d.note(fmt::format("did you mean `{}`?", close)).fix(imp.pathRange, "\"" + close + "\"");
        return std::nullopt;
      }
      return load("std:" + f->path.str(), f->path.str(), f->text.str(), true);
    }
    fs::path base = fs::absolute(fs::path(from.path)).parent_path();
    fs::path joined = (base / path.str()).lexically_normal();
    if (!isInside(joined, root_)) {
      diags_.report(DiagKind::ImportEscapesRoot, imp.pathRange, path.str(),
                    fmt::format("it resolves outside `{}`; imports stay inside the project root (set it with --root)", displayRoot()));
      return std::nullopt;
    }
    std::optional<std::string> text = read_(joined.string());
    if (!text && joined.extension() != ".rig") {
      joined += ".rig";
      text = read_(joined.string());
    }
    if (!text) {
      diags_.report(DiagKind::ImportNotFound, imp.pathRange, path.str(), fmt::format("no file `{}`", display(joined)));
      return std::nullopt;
    }
    fs::path real = realOrNormal(joined);
    if (!isInside(real, realRoot_)) {
      diags_.report(DiagKind::ImportEscapesRoot, imp.pathRange, path.str(),
                    fmt::format("it is a symlink to `{}`, outside the project root", real.string()));
      return std::nullopt;
    }
    return load(real.string(), display(joined), std::move(*text), false);
  }

  size_t load(const std::string &key, const std::string &name, std::string text, bool isStdlib) {
    keyInputs();
    if (auto it = keys_.find(key); it != keys_.end()) return it->second;
    FileId id = sm_.addFile(name, std::move(text));
    files_.push_back(parse(sm_, id, diags_, opts_.parse));
    graph_.modules.push_back({name, isStdlib, false});
    edges_.emplace_back();
    size_t index = files_.size() - 1;
    keys_.emplace(key, index);
    return index;
  }

  // Paths as the user wrote them: relative to the working directory.
  std::string display(const fs::path &p) const {
    std::error_code ec;
    fs::path rel = p.lexically_relative(fs::current_path(ec));
    return !rel.empty() && *rel.begin() != ".." ? rel.string() : p.string();
  }
  std::string displayRoot() const {
    std::string d = display(root_);
    return d.empty() ? "." : d;
  }

  void reportCycles() {
    std::vector<int> state(files_.size(), 0); // 0 new, 1 on the stack, 2 done
    std::vector<size_t> stack;
    std::function<void(size_t)> visit = [&](size_t i) {
      state[i] = 1;
      stack.push_back(i);
      for (auto [imp, j] : edges_[i]) {
        if (state[j] == 1) {
          std::string cycle;
          auto from = std::find(stack.begin(), stack.end(), j);
          for (auto k = from; k != stack.end(); ++k) cycle += graph_.modules[*k].path + " → ";
          cycle += graph_.modules[j].path;
          diags_.report(DiagKind::ImportCycle, imp->pathRange, cycle).note("move what both need into a third module that imports neither");
        } else if (state[j] == 0) {
          visit(j);
        }
      }
      stack.pop_back();
      state[i] = 2;
    };
    for (size_t i = 0; i < files_.size(); ++i)
      if (state[i] == 0) visit(i);
  }

  std::vector<ast::File> &files_;
  SourceManager &sm_;
  Diagnostics &diags_;
  const ModuleLoadOptions &opts_;
  std::function<std::optional<std::string>(const std::string &)> read_;
  fs::path root_, realRoot_;
  ModuleGraph graph_;
  std::map<std::string, size_t> keys_;
  size_t inputs_ = 0;
  bool inputsKeyed_ = false;

  // The inputs' keys (their real paths), so that an import of an input is
  // that module. Made on the first import only: resolving symlinks costs a
  // few system calls per file, and most builds of many files import none.
  void keyInputs() {
    if (inputsKeyed_) return;
    inputsKeyed_ = true;
    for (size_t i = 0; i < inputs_; ++i)
      keys_.emplace(realOrNormal(fs::absolute(graph_.modules[i].path)).string(), i);
  }
  std::vector<std::vector<std::pair<const ast::ImportDecl *, size_t>>> edges_;
};

} // namespace

ModuleGraph loadModules(std::vector<ast::File> &files, SourceManager &sm, Diagnostics &diags, const ModuleLoadOptions &opts) {
  return Loader(files, sm, diags, opts).run();
}

} // namespace rig
