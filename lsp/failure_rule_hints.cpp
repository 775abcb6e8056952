#include "lsp/failure_rule_hints.h"

#include <algorithm>

namespace rig::lsp {

std::string describeCodes(const std::vector<model::ExitRange> &ranges) {
  std::string s;
  for (const model::ExitRange &r : ranges) {
    if (!s.empty()) s += ", ";
    s += std::to_string(r.lo);
    if (r.hi != r.lo) s += (r.hi == r.lo + 1 ? ", " : "–") + std::to_string(r.hi);
  }
  return s;
}

namespace {

size_t countCodes(const std::vector<model::ExitRange> &ranges) {
  size_t n = 0;
  for (const model::ExitRange &r : ranges) n += static_cast<size_t>(r.hi - r.lo + 1);
  return n;
}

// One rule as rig spells it, for a hint on a templated job.
std::string describeRule(const model::FailureRule &r) {
  std::string s;
  if (r.match == model::FailureRule::Match::ExitCodes) {
    s = "exit " + describeCodes(r.matchedCodes());
    if (!r.container.empty()) s += " in " + r.container;
  } else {
    s = "condition";
    for (const std::string &c : r.conditions) s += " " + c;
  }
  return s + " => " + model::failureActionRigName(r.action);
}

// A rule whose codes the source does not spell out one by one.
bool expands(const ast::FailureRule &r) {
  if (r.notIn) return true;
  for (const ast::ExitValue &v : r.values)
    if (!v.hi.empty()) return true;
  return false;
}

const ast::FailureRule *sourceRule(const ast::File &f, SourceRange range) {
  const ast::FailureRule *found = nullptr;
  std::function<void(const std::vector<ast::ItemPtr> &)> visit = [&](const std::vector<ast::ItemPtr> &items) {
    for (const ast::ItemPtr &it : items) {
      if (found) return;
      if (auto *r = llvm::dyn_cast<ast::FailureRule>(it.get()); r && r->range.begin == range.begin) found = r;
      const ast::Body *bodies[3] = {nullptr, nullptr, nullptr};
      if (auto *d = llvm::dyn_cast<ast::Declaration>(it.get())) bodies[0] = d->body.get();
      else if (auto *t = llvm::dyn_cast<ast::TemplateDecl>(it.get())) bodies[0] = t->body.get();
      else if (auto *fo = llvm::dyn_cast<ast::ForItem>(it.get())) bodies[0] = fo->body.get();
      else if (auto *i = llvm::dyn_cast<ast::IfItem>(it.get())) bodies[1] = i->then.get(), bodies[2] = i->otherwise.get();
      for (const ast::Body *b : bodies)
        if (b) visit(b->items);
    }
  };
  visit(f.items);
  return found;
}

// The top-level declaration whose name is at `name`.
const ast::Declaration *declarationNamed(const ast::File &f, SourceRange name) {
  for (const ast::ItemPtr &it : f.items)
    if (auto *d = llvm::dyn_cast<ast::Declaration>(it.get()))
      if (const ast::Word *w = d->nameWord(); w && w->range.begin == name.begin) return d;
  return nullptr;
}

} // namespace

std::vector<std::pair<uint32_t, std::string>> failureRuleHints(const Compilation &c, FileId file) {
  std::vector<std::pair<uint32_t, std::string>> out;
  const ast::File *f = nullptr;
  for (const ast::File &af : c.files)
    if (af.id == file) f = &af;
  if (!f) return out;
  for (const model::Workload &w : c.program.workloads) {
    if (w.nameRange.file != file) continue;
    std::vector<std::string> fromElsewhere;
    for (const model::FailureRule &r : w.job->failureRules) {
      if (r.range.file != file) {
        fromElsewhere.push_back(describeRule(r));
        continue;
      }
      if (r.match != model::FailureRule::Match::ExitCodes) continue;
      const ast::FailureRule *src = sourceRule(*f, r.range);
      if (!src || !expands(*src) || src->values.empty()) continue;
      std::vector<model::ExitRange> codes = r.matchedCodes();
      size_t n = countCodes(codes);
      out.emplace_back(src->values.back().range.end, "= " + std::to_string(n) + (n == 1 ? " code: " : " codes: ") + describeCodes(codes));
    }
    // Rules a template (std/failures) brought: listed after the declaration's header.
    if (!fromElsewhere.empty())
      if (const ast::Declaration *d = declarationNamed(*f, w.nameRange)) {
        uint32_t at = d->value ? d->value->range.end : w.nameRange.end;
        std::string label = "rules: ";
        for (size_t i = 0; i < fromElsewhere.size(); ++i) label += (i ? "; " : "") + fromElsewhere[i];
        out.emplace_back(at, label);
      }
  }
  std::sort(out.begin(), out.end());
  return out;
}

} // namespace rig::lsp
