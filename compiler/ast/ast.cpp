#include "compiler/ast/ast.h"

#include <fmt/format.h>

namespace rig::ast {

std::string Attribute::dottedName() const {
  std::string s;
  for (const Ident &p : path) {
    if (!s.empty()) s += '.';
    s += p.name;
  }
  return s;
}

llvm::StringRef Attribute::dottedName(llvm::SmallVectorImpl<char> &buf) const {
  if (path.size() == 1) return path.front().name;
  buf.clear();
  for (const Ident &p : path) {
    if (!buf.empty()) buf.push_back('.');
    buf.append(p.name.begin(), p.name.end());
  }
  return llvm::StringRef(buf.data(), buf.size());
}

namespace {

class Dumper {
public:
  explicit Dumper(const SourceManager &sm) : sm_(sm) {}
  std::string out;

  void item(const Item &it, int depth) {
    indent(depth);
    switch (it.kind) {
    case ItemKind::Import: {
      auto &i = llvm::cast<ImportDecl>(it);
      out += fmt::format("Import \"{}\"{} {}\n", i.path, i.alias ? " as " + i.alias->name : "", pos(it.range));
      break;
    }
    case ItemKind::Let: {
      auto &l = llvm::cast<LetDecl>(it);
      out += fmt::format("Let {} {}\n", l.name.name, pos(it.range));
      expr(l.value.get(), depth + 1);
      break;
    }
    case ItemKind::Template: {
      auto &t = llvm::cast<TemplateDecl>(it);
      out += fmt::format("Template {}(", t.name.name);
      for (size_t i = 0; i < t.params.size(); ++i)
        out += fmt::format("{}{}: {}", i ? ", " : "", t.params[i].name.name, t.params[i].type.name.name);
      out += fmt::format(") {}\n", pos(it.range));
      body(t.body.get(), depth + 1);
      break;
    }
    case ItemKind::For: {
      auto &f = llvm::cast<ForItem>(it);
      out += fmt::format("For {} {}\n", f.var.name, pos(it.range));
      expr(f.iterable.get(), depth + 1);
      body(f.body.get(), depth + 1);
      break;
    }
    case ItemKind::If: {
      auto &f = llvm::cast<IfItem>(it);
      out += fmt::format("If {}\n", pos(it.range));
      expr(f.cond.get(), depth + 1);
      body(f.then.get(), depth + 1);
      if (f.elseIf) item(*f.elseIf, depth + 1);
      if (f.otherwise) body(f.otherwise.get(), depth + 1);
      break;
    }
    case ItemKind::FailureRule: {
      auto &r = llvm::cast<FailureRule>(it);
      out += "FailureRule ";
      if (r.match == FailureRule::Match::Exit) {
        out += r.notIn ? "exit not in" : "exit in";
        for (const ExitValue &v : r.values) out += " " + v.lo + (v.hi.empty() ? "" : ".." + v.hi);
        if (r.container) out += " container " + r.container->name;
        if (!r.conditions.empty()) out += " and condition";
        for (const Ident &c : r.conditions) out += " " + c.name;
      } else {
        out += "condition";
        for (const Ident &c : r.conditions) out += " " + c.name;
      }
      out += fmt::format(" => {} {}\n", r.action.name, pos(it.range));
      break;
    }
    case ItemKind::Attribute: {
      auto &a = llvm::cast<Attribute>(it);
      out += fmt::format("Attribute {} {}\n", a.dottedName(), pos(it.range));
      expr(a.value.get(), depth + 1);
      break;
    }
    case ItemKind::Declaration: {
      auto &d = llvm::cast<Declaration>(it);
      out += "Declaration " + d.keyword.name;
      for (size_t g = 0; g < d.words.size(); ++g) {
        if (g) out += ",";
        for (const Word &w : d.words[g])
          out += w.kind == Word::Kind::String ? " \"" + w.text + "\"" : " " + w.text;
      }
      if (!d.after.empty()) {
        out += " after";
        for (const Ident &a : d.after) out += " " + a.name;
      }
      out += " " + pos(it.range) + "\n";
      if (d.value) expr(d.value.get(), depth + 1);
      if (d.body) body(d.body.get(), depth + 1);
      break;
    }
    }
  }

  void body(const Body *b, int depth) {
    if (!b) return;
    for (const ItemPtr &it : b->items) item(*it, depth);
  }

  void expr(const Expr *e, int depth) {
    if (!e) return;
    indent(depth);
    switch (e->kind) {
    case ExprKind::Number: out += "Number " + llvm::cast<NumberExpr>(e)->text + "\n"; return;
    case ExprKind::String: {
      auto *s = llvm::cast<StringExpr>(e);
      out += "String";
      for (const StringPart &p : s->parts) out += p.expr ? " ${…}" : " \"" + p.text + "\"";
      out += "\n";
      for (const StringPart &p : s->parts)
        if (p.expr) expr(p.expr.get(), depth + 1);
      return;
    }
    case ExprKind::Bool: out += llvm::cast<BoolExpr>(e)->value ? "Bool true\n" : "Bool false\n"; return;
    case ExprKind::Null: out += "Null\n"; return;
    case ExprKind::Name: out += "Name " + llvm::cast<NameExpr>(e)->name + "\n"; return;
    case ExprKind::List:
      out += "List\n";
      for (const ExprPtr &x : llvm::cast<ListExpr>(e)->elements) expr(x.get(), depth + 1);
      return;
    case ExprKind::Map:
      out += "Map\n";
      for (const MapEntry &m : llvm::cast<MapExpr>(e)->entries) {
        indent(depth + 1);
        out += "Key " + m.key.name + "\n";
        expr(m.value.get(), depth + 2);
      }
      return;
    case ExprKind::Member: {
      auto *m = llvm::cast<MemberExpr>(e);
      out += "Member ." + m->member.name + "\n";
      expr(m->base.get(), depth + 1);
      return;
    }
    case ExprKind::Call: {
      auto *c = llvm::cast<CallExpr>(e);
      out += "Call\n";
      expr(c->callee.get(), depth + 1);
      for (const Argument &a : c->args) {
        if (a.name) {
          indent(depth + 1);
          out += "Arg " + a.name->name + "\n";
        }
        expr(a.value.get(), depth + 1);
      }
      return;
    }
    case ExprKind::Index: {
      auto *i = llvm::cast<IndexExpr>(e);
      out += "Index\n";
      expr(i->base.get(), depth + 1);
      expr(i->index.get(), depth + 1);
      return;
    }
    case ExprKind::Unary: {
      auto *u = llvm::cast<UnaryExpr>(e);
      out += "Unary " + u->op + "\n";
      expr(u->operand.get(), depth + 1);
      return;
    }
    case ExprKind::Binary: {
      auto *b = llvm::cast<BinaryExpr>(e);
      out += "Binary " + b->op + "\n";
      expr(b->lhs.get(), depth + 1);
      expr(b->rhs.get(), depth + 1);
      return;
    }
    case ExprKind::Range: {
      auto *r = llvm::cast<RangeExpr>(e);
      out += "Range\n";
      expr(r->lo.get(), depth + 1);
      expr(r->hi.get(), depth + 1);
      return;
    }
    case ExprKind::Conditional: {
      auto *c = llvm::cast<ConditionalExpr>(e);
      out += "Conditional\n";
      expr(c->cond.get(), depth + 1);
      expr(c->then.get(), depth + 1);
      expr(c->otherwise.get(), depth + 1);
      return;
    }
    case ExprKind::Error: out += "Error\n"; return;
    }
  }

private:
  void indent(int depth) { out.append(depth * 2, ' '); }
  std::string pos(SourceRange r) const {
    if (!r.valid()) return "@?";
    LineColumn b = sm_.lineColumn(r.file, r.begin);
    LineColumn e = sm_.lineColumn(r.file, r.end);
    return fmt::format("@{}:{}-{}:{}", b.line, b.column, e.line, e.column);
  }
  const SourceManager &sm_;
};

} // namespace

std::string dump(const File &file, const SourceManager &sm) {
  Dumper d(sm);
  for (const ItemPtr &it : file.items) d.item(*it, 0);
  return d.out;
}

} // namespace rig::ast
