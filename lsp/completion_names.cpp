#include "lsp/completion_names.h"

#include <filesystem>
#include <set>

#include "llvm/ADT/StringExtras.h"

namespace rig::lsp {

namespace {

const ast::File *fileOf(const Compilation &c, FileId id) {
  for (const ast::File &f : c.files)
    if (f.id == id) return &f;
  return nullptr;
}

std::string aliasOf(const ast::ImportDecl &im) {
  return im.alias ? im.alias->name : std::filesystem::path(im.path).stem().string();
}

// The `//` comment lines directly above `offset`, without the slashes.
std::string docAbove(llvm::StringRef text, uint32_t offset) {
  std::vector<std::string> lines;
  size_t lineStart = text.rfind('\n', offset == 0 ? 0 : offset - 1);
  while (lineStart != llvm::StringRef::npos && lineStart > 0) {
    size_t prev = text.rfind('\n', lineStart - 1);
    size_t from = prev == llvm::StringRef::npos ? 0 : prev + 1;
    llvm::StringRef line = text.slice(from, lineStart).trim();
    if (!line.startswith("//")) break;
    lines.push_back(line.drop_front(2).trim().str());
    if (prev == llvm::StringRef::npos) break;
    lineStart = prev;
  }
  std::string out;
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) out += (out.empty() ? "" : " ") + *it;
  return out;
}

std::string signature(const Compilation &c, const ast::TemplateDecl &t) {
  std::string s = "template " + t.name.name + "(";
  for (size_t i = 0; i < t.params.size(); ++i) {
    const ast::Param &p = t.params[i];
    s += (i ? ", " : "") + p.name.name + ": " + c.sources.text(p.type.range.file).slice(p.type.range.begin, p.type.range.end).str();
    if (p.defaultValue) s += " = " + c.sources.text(p.defaultValue->range.file).slice(p.defaultValue->range.begin, p.defaultValue->range.end).str();
  }
  s += ")";
  if (t.resultKind) s += " : " + t.resultKind->name;
  return s;
}

std::vector<CompletionEntry> moduleMembers(const Compilation &c, const ast::File &module) {
  std::vector<CompletionEntry> out;
  llvm::StringRef text = c.sources.text(module.id);
  for (const ast::ItemPtr &it : module.items) {
    if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(it.get()))
      out.push_back({CompletionEntry::Kind::Name, t->name.name, signature(c, *t), docAbove(text, t->range.begin), t->name.name});
    else if (auto *l = llvm::dyn_cast<ast::LetDecl>(it.get()))
      out.push_back({CompletionEntry::Kind::Name, l->name.name, "let", docAbove(text, l->range.begin), l->name.name});
  }
  return out;
}

} // namespace

std::vector<CompletionEntry> aliasCompletions(const Compilation &c, FileId file) {
  std::vector<CompletionEntry> out;
  const ast::File *f = fileOf(c, file);
  if (!f) return out;
  for (const ast::ItemPtr &it : f->items)
    if (auto *im = llvm::dyn_cast<ast::ImportDecl>(it.get()))
      out.push_back({CompletionEntry::Kind::Name, aliasOf(*im), "module \"" + im->path + "\"", "", aliasOf(*im)});
  return out;
}

std::optional<std::vector<CompletionEntry>> contextNameCompletions(const Compilation &c, FileId file, uint32_t offset) {
  const ast::File *f = fileOf(c, file);
  llvm::StringRef text = c.sources.text(file);
  if (!f || offset > text.size()) return std::nullopt;
  llvm::StringRef line = text.substr(0, offset);
  line = line.substr(line.rfind('\n') + 1);
  // The word being typed, then what precedes it.
  llvm::StringRef before = line.rtrim(llvm::StringRef("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"));

  // `alias.`: the module's lets and templates.
  if (before.endswith(".")) {
    llvm::StringRef base = before.drop_back();
    size_t start = base.size();
    while (start > 0 && (llvm::isAlnum(base[start - 1]) || base[start - 1] == '_')) --start;
    llvm::StringRef alias = base.substr(start);
    if (alias.empty()) return std::nullopt;
    for (const ast::ItemPtr &it : f->items) {
      auto *im = llvm::dyn_cast<ast::ImportDecl>(it.get());
      if (!im || aliasOf(*im) != alias) continue;
      auto target = c.modules.imports.find(im);
      if (target == c.modules.imports.end() || target->second >= c.files.size()) return std::vector<CompletionEntry>{};
      return moduleMembers(c, c.files[target->second]);
    }
    return std::nullopt;
  }

  // `apparmor =`: profile names.
  llvm::StringRef head = before.rtrim(" \t");
  if (head.endswith("=")) {
    llvm::StringRef key = head.drop_back().rtrim(" \t");
    size_t start = key.size();
    while (start > 0 && (llvm::isAlnum(key[start - 1]) || key[start - 1] == '_' || key[start - 1] == '.')) --start;
    key = key.substr(start);
    if (key == "apparmor" || key == "security.apparmor") {
      std::vector<CompletionEntry> out;
      std::set<std::string> seen;
      for (size_t i = 0; i < c.files.size(); ++i) {
        if (i < c.modules.modules.size() && c.modules.modules[i].stdlib) continue; // definitions only
        for (const ast::ItemPtr &it : c.files[i].items)
          if (auto *d = llvm::dyn_cast<ast::Declaration>(it.get()); d && d->keyword.name == "apparmor")
            if (const ast::Word *w = d->nameWord(); w && w->kind == ast::Word::Kind::Name && seen.insert(w->text).second)
              out.push_back({CompletionEntry::Kind::Name, w->text, "AppArmor profile declared in this build", "", w->text});
      }
      out.push_back({CompletionEntry::Kind::Keyword, "runtime_default", "the container runtime's default profile", "", "runtime_default"});
      out.push_back({CompletionEntry::Kind::Keyword, "unconfined", "no AppArmor confinement (warning W0804)", "", "unconfined"});
      out.push_back({CompletionEntry::Kind::Keyword, "localhost", "a profile already loaded on the node", "",
                     "localhost(\"\")"});
      return out;
    }
  }
  return std::nullopt;
}

} // namespace rig::lsp
