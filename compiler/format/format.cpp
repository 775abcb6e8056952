#include "compiler/format/format.h"

#include <algorithm>
#include <optional>

#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Casting.h"

namespace rig {

namespace {

using llvm::cast;
using llvm::dyn_cast;

class Formatter {
public:
  Formatter(const ast::File &file, const SourceManager &sm, const FormatOptions &opts)
      : file_(file), opts_(opts), text_(sm.text(file.id)), used_(file.comments.size(), false) {}

  std::string run() {
    items(file_.items, 0, (uint32_t)text_.size());
    // Whatever is left sits after the last item.
    while (!out_.empty() && out_.back() == '\n' && out_.size() > 1 && out_[out_.size() - 2] == '\n') out_.pop_back();
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
    return out_;
  }

private:
  llvm::StringRef src(SourceRange r) const {
    if (r.end > text_.size() || r.begin > r.end) return {};
    return text_.slice(r.begin, r.end);
  }
  std::string indent(unsigned depth) const { return std::string(depth * opts_.indent, ' '); }
  // At least one empty line between two offsets of the source.
  bool blankBetween(uint32_t a, uint32_t b) const {
    if (a >= b) return false;
    llvm::SmallVector<llvm::StringRef, 8> lines;
    text_.slice(a, b).split(lines, '\n');
    // The first and last pieces share lines with the items around the gap.
    for (size_t i = 1; i + 1 < lines.size(); ++i)
      if (lines[i].trim().empty()) return true;
    return false;
  }
  bool sameLine(uint32_t a, uint32_t b) const { return text_.slice(std::min(a, b), std::max(a, b)).find('\n') == llvm::StringRef::npos; }

  static bool inside(SourceRange outer, SourceRange inner) { return outer.begin <= inner.begin && inner.end <= outer.end; }

  // Comments within `r` that no allowed sub-range holds: printing the item
  // structurally would lose them.
  bool strayComments(SourceRange r, const std::vector<SourceRange> &allowed) const {
    for (size_t i = 0; i < file_.comments.size(); ++i) {
      const ast::Comment &c = file_.comments[i];
      if (used_[i] || !inside(r, c.range)) continue;
      if (std::none_of(allowed.begin(), allowed.end(), [&](SourceRange a) { return inside(a, c.range); })) return true;
    }
    return false;
  }
  bool anyComment(SourceRange r) const {
    for (size_t i = 0; i < file_.comments.size(); ++i)
      if (!used_[i] && inside(r, file_.comments[i].range)) return true;
    return false;
  }
  void markUsed(SourceRange r) {
    for (size_t i = 0; i < file_.comments.size(); ++i)
      if (inside(r, file_.comments[i].range)) used_[i] = true;
  }
  // An expression as written: the text is the meaning. Comments inside go
  // with it.
  std::string verbatim(SourceRange r) {
    markUsed(r);
    return src(r).str();
  }

  // ---- items

  void items(const std::vector<ast::ItemPtr> &list, unsigned depth, uint32_t regionEnd) {
    uint32_t prevEnd = 0;
    bool first = true;
    for (const ast::ItemPtr &it : list) {
      leadingComments(it->range.begin, depth, first ? std::nullopt : std::optional<uint32_t>(prevEnd));
      if (!first && !lastWasComment_ && blankBetween(prevEnd, it->range.begin)) out_ += '\n';
      out_ += indent(depth);
      item(*it, depth);
      trailingComment(it->range.end);
      out_ += '\n';
      lastWasComment_ = false;
      prevEnd = it->range.end;
      first = false;
    }
    leadingComments(regionEnd, depth, first ? std::nullopt : std::optional<uint32_t>(prevEnd));
  }

  // Comments that end before `before`, each on its own line; a blank line in
  // the source before one is kept.
  void leadingComments(uint32_t before, unsigned depth, std::optional<uint32_t> prevEnd) {
    lastWasComment_ = false;
    for (size_t i = 0; i < file_.comments.size(); ++i) {
      const ast::Comment &c = file_.comments[i];
      if (used_[i] || c.range.end > before) continue;
      if (prevEnd && blankBetween(*prevEnd, c.range.begin)) out_ += '\n';
      out_ += indent(depth) + c.text + "\n";
      used_[i] = true;
      prevEnd = c.range.end;
      lastWasComment_ = true;
    }
    // A blank line between the last comment and the item stays too.
    if (lastWasComment_ && prevEnd && blankBetween(*prevEnd, before) && before < text_.size()) {
      out_ += '\n';
      lastWasComment_ = true;
    }
  }

  void trailingComment(uint32_t end) {
    for (size_t i = 0; i < file_.comments.size(); ++i) {
      const ast::Comment &c = file_.comments[i];
      if (used_[i] || c.range.begin < end || !sameLine(end, c.range.begin)) continue;
      out_ += " " + c.text;
      used_[i] = true;
      return;
    }
  }

  std::vector<SourceRange> allowedRanges(const ast::Item &it) const {
    std::vector<SourceRange> r;
    auto add = [&](const ast::Expr *e) {
      if (e) r.push_back(e->range);
    };
    if (auto *d = dyn_cast<ast::Declaration>(&it)) {
      add(d->value.get());
      if (d->body) r.push_back(d->body->range);
    } else if (auto *a = dyn_cast<ast::Attribute>(&it)) {
      add(a->value.get());
    } else if (auto *l = dyn_cast<ast::LetDecl>(&it)) {
      add(l->value.get());
    } else if (auto *t = dyn_cast<ast::TemplateDecl>(&it)) {
      for (const ast::Param &p : t->params) add(p.defaultValue.get());
      if (t->body) r.push_back(t->body->range);
    } else if (auto *f = dyn_cast<ast::ForItem>(&it)) {
      add(f->iterable.get());
      if (f->body) r.push_back(f->body->range);
    } else if (auto *i = dyn_cast<ast::IfItem>(&it)) {
      add(i->cond.get());
      if (i->then) r.push_back(i->then->range);
      if (i->elseIf) r.push_back(i->elseIf->range);
      if (i->otherwise) r.push_back(i->otherwise->range);
    }
    return r;
  }

  void item(const ast::Item &it, unsigned depth) {
    if (strayComments(it.range, allowedRanges(it))) {
      // A comment in the middle of a header: keep the item as written.
      out_ += verbatim(it.range);
      return;
    }
    switch (it.kind) {
    case ast::ItemKind::Import: {
      auto &i = cast<ast::ImportDecl>(it);
      out_ += "import " + src(i.pathRange).str();
      if (i.alias) out_ += " as " + i.alias->name;
      return;
    }
    case ast::ItemKind::Let: {
      auto &l = cast<ast::LetDecl>(it);
      out_ += "let " + l.name.name;
      if (l.type) out_ += ": " + src(l.type->range).str();
      out_ += " = " + verbatim(l.value->range);
      return;
    }
    case ast::ItemKind::Template: {
      auto &t = cast<ast::TemplateDecl>(it);
      std::vector<std::string> params;
      for (const ast::Param &p : t.params) {
        std::string s = p.name.name + ": " + src(p.type.range).str();
        if (p.defaultValue) s += " = " + verbatim(p.defaultValue->range);
        params.push_back(std::move(s));
      }
      std::string head = "template " + t.name.name + "(";
      std::string tail = ")" + (t.resultKind ? " : " + t.resultKind->name : std::string());
      std::string oneLine = head;
      for (size_t k = 0; k < params.size(); ++k) oneLine += (k ? ", " : "") + params[k];
      if (indent(depth).size() + oneLine.size() + tail.size() + 2 <= opts_.maxLineLength || params.empty()) {
        out_ += oneLine + tail;
      } else {
        out_ += head + "\n";
        for (const std::string &p : params) out_ += indent(depth + 2) + p + ",\n";
        out_ += indent(depth) + tail;
      }
      body(*t.body, depth);
      return;
    }
    case ast::ItemKind::For: {
      auto &f = cast<ast::ForItem>(it);
      out_ += "for " + f.var.name + (f.secondVar ? ", " + f.secondVar->name : std::string()) + " in " + verbatim(f.iterable->range);
      body(*f.body, depth);
      return;
    }
    case ast::ItemKind::If: {
      auto &i = cast<ast::IfItem>(it);
      out_ += "if " + verbatim(i.cond->range);
      body(*i.then, depth);
      if (i.elseIf) {
        out_ += " else ";
        item(*i.elseIf, depth);
      } else if (i.otherwise) {
        out_ += " else";
        body(*i.otherwise, depth);
      }
      return;
    }
    case ast::ItemKind::FailureRule: {
      // No strings in a rule: collapsing its spaces cannot change it.
      llvm::StringRef s = src(it.range);
      std::string rule;
      bool space = false;
      for (char c : s) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
          space = true;
          continue;
        }
        if (space && !rule.empty()) rule += ' ';
        space = false;
        rule += c;
      }
      out_ += rule;
      return;
    }
    case ast::ItemKind::Attribute: {
      auto &a = cast<ast::Attribute>(it);
      llvm::StringRef key = text_.slice(a.range.begin, a.value->range.begin).rtrim();
      if (key.endswith("=")) key = key.drop_back().rtrim();
      out_ += key.str() + " = " + verbatim(a.value->range);
      return;
    }
    case ast::ItemKind::Declaration: {
      auto &d = cast<ast::Declaration>(it);
      out_ += d.keyword.name;
      for (size_t g = 0; g < d.words.size(); ++g) {
        out_ += g ? ", " : " ";
        for (size_t w = 0; w < d.words[g].size(); ++w) out_ += (w ? " " : "") + src(d.words[g][w].range).str();
      }
      if (!d.after.empty()) {
        out_ += " after ";
        for (size_t k = 0; k < d.after.size(); ++k) out_ += (k ? ", " : "") + d.after[k].name;
      }
      if (d.value) out_ += " = " + verbatim(d.value->range);
      if (d.body) body(*d.body, depth);
      return;
    }
    }
  }

  // ` { … }`: on one line when it was written on one line, holds no
  // comment and fits; otherwise one item per line.
  void body(const ast::Body &b, unsigned depth) {
    if (b.items.empty() && !anyComment(b.range)) {
      out_ += " {}";
      return;
    }
    if (sameLine(b.range.begin, b.range.end) && !anyComment(b.range)) {
      if (auto inl = inlineItems(b)) {
        size_t lineStart = out_.rfind('\n') == std::string::npos ? 0 : out_.rfind('\n') + 1;
        if (out_.size() - lineStart + inl->size() + 4 <= opts_.maxLineLength) {
          out_ += " { " + *inl + " }";
          return;
        }
      }
    }
    // Inside another body's one-line attempt, lines of our own fail that
    // attempt anyway: say so without laying them out. Laying them out made
    // each nesting level format its subtree twice, and 26 nested one-line
    // `for`s took five seconds (twice as long per level).
    if (inlineAttempts_) {
      out_ += "\n";
      return;
    }
    out_ += " {\n";
    bool saved = lastWasComment_;
    items(b.items, depth + 1, b.range.end);
    lastWasComment_ = saved;
    out_ += indent(depth) + "}";
  }

  // The items of a one-line body, joined with ", ", or nullopt when one of
  // them would need lines of its own.
  std::optional<std::string> inlineItems(const ast::Body &b) {
    std::string saved;
    saved.swap(out_);
    std::vector<bool> savedUsed = used_;
    std::string joined;
    ++inlineAttempts_;
    for (size_t k = 0; k < b.items.size(); ++k) {
      out_.clear();
      item(*b.items[k], 0);
      if (out_.find('\n') != std::string::npos) {
        --inlineAttempts_;
        out_.swap(saved);
        used_ = savedUsed;
        return std::nullopt;
      }
      joined += (k ? ", " : "") + out_;
    }
    --inlineAttempts_;
    out_.swap(saved);
    return joined;
  }

  const ast::File &file_;
  const FormatOptions &opts_;
  llvm::StringRef text_;
  std::vector<bool> used_;
  std::string out_;
  bool lastWasComment_ = false;
  unsigned inlineAttempts_ = 0; // bodies being tried on one line around this point
};

} // namespace

std::string format(const ast::File &file, const SourceManager &sm, const FormatOptions &opts) {
  return Formatter(file, sm, opts).run();
}

} // namespace rig
