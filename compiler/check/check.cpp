// The check entry point: target version, namespaces, top-level declarations,
// the block walker every construct uses, and cross-object rules.
#include "compiler/check/checker.h"

#include <algorithm>
#include <cassert>
#include <list>
#include <map>
#include <set>

#include "compiler/base/parallel.h"
#include "compiler/check/early_check.h"
#include "compiler/check/expand.h"
#include "compiler/k8s/names.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/Hashing.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"

namespace rig {

model::Program check(llvm::ArrayRef<const ast::File *> files, const SourceManager &sm, Diagnostics &diags,
                     const CheckOptions &opts) {
  sema::ExpandedProgram expanded = sema::expand(files, sm, diags, opts);
  if (expanded.aborted) return model::Program{};
  return sema::Checker(sm, diags, opts).run(expanded);
}

const ast::Word *targetVersionWord(const ast::Declaration &d) {
  // target kubernetes "1.31"
  if (d.words.size() != 1 || d.words[0].size() != 2 || d.words[0][0].text != "kubernetes" ||
      d.words[0][1].kind != ast::Word::Kind::String || d.body || d.value)
    return nullptr;
  return &d.words[0][1];
}

namespace sema {

using llvm::dyn_cast;

std::optional<model::WorkloadKind> workloadKind(llvm::StringRef kw) {
  if (kw == "pod") return model::WorkloadKind::Pod;
  if (kw == "deployment") return model::WorkloadKind::Deployment;
  if (kw == "statefulset") return model::WorkloadKind::StatefulSet;
  if (kw == "daemonset") return model::WorkloadKind::DaemonSet;
  if (kw == "job") return model::WorkloadKind::Job;
  if (kw == "cronjob") return model::WorkloadKind::CronJob;
  return std::nullopt;
}

void Checker::checkTargetDecl(const ast::Declaration &d, bool &sawTarget) {
  const ast::Word *word = targetVersionWord(d);
  if (!word) {
    diags_.report(DiagKind::SyntaxError, d.range, "expected `target kubernetes \"X.Y\"`");
    return;
  }
  const ast::Word &w = *word;
  std::optional<k8s::Version> v = k8s::parseVersion(w.text);
  if (!v || !k8s::isSupported(*v)) {
    diags_.report(DiagKind::UnsupportedVersion, w.range, w.text, k8s::kOldestVersion.str(), k8s::kNewestVersion.str());
    return;
  }
  if (fileTarget_ && !(*fileTarget_ == *v)) {
    diags_.report(DiagKind::SyntaxError, w.range, fmt::format("conflicting targets: {} here, {} elsewhere", v->str(), fileTarget_->str()))
        .label(fileTargetRange_, "the other target");
    return;
  }
  if (sawTarget) {
    diags_.report(DiagKind::DuplicateDeclaration, d.range, "target", "kubernetes");
    return;
  }
  sawTarget = true;
  fileTarget_ = v;
  fileTargetRange_ = w.range;
}

model::Program Checker::run(const ExpandedProgram &expanded) {
  llvm::ArrayRef<const ast::File *> files = expanded.files;
  // The target comes first: every rule below depends on it.
  for (const ast::File *f : files) {
    bool sawTarget = false;
    for (const ast::ItemPtr &it : f->items)
      if (auto *d = dyn_cast<ast::Declaration>(it.get()); d && d->keyword.name == "target") checkTargetDecl(*d, sawTarget);
  }
  if (opts_.target) {
    program_.target = *opts_.target;
    if (fileTarget_ && !(*fileTarget_ == *opts_.target))
      diags_.report(DiagKind::ConflictingTarget, fileTargetRange_, fileTarget_->str(), opts_.target->str(), opts_.target->str());
  } else if (fileTarget_) {
    program_.target = *fileTarget_;
  }

  // Large builds check their workloads on every core first (each on a
  // checker of its own); the loop below then takes each result at the
  // workload's place, so diagnostics come out exactly as if checked here.
  // The results come in the loop's order, so a cursor finds each one.
  // Workloads the driver had checked while parsing (plain files only; any
  // others are checked in the loop) come the same way.
  PrecheckedWorkloads pre;
  if (opts_.early && !opts_.early->files().empty()) {
    assert(opts_.early->target() == program_.target && "the driver re-parses when a file sets the target");
    opts_.early->take(files, pre);
  } else {
    pre = precheckWorkloads(expanded);
  }
  std::vector<Prechecked> &prechecked = pre.items;
  size_t nextPrechecked = 0, madeTaken = 0;
  // Workloads checked here go to program_.workloads; for each, how many
  // prechecked ones come before it.
  std::vector<size_t> serialAfter;

  for (const ast::File *f : files) {
    NamespaceState nsState;
    const BlockSpec &spec = blockSpec(BlockKind::File);
    size_t declared = 0;
    for (const ast::ItemPtr &it : f->items) {
      // Diagnostics inside a template's body get labels on the
      // instantiations that led there.
      auto chain = expanded.instantiations.find(it.get());
      size_t firstDiag = diags_.all().size();
      auto label = llvm::make_scope_exit([&] {
        if (chain != expanded.instantiations.end()) labelInstantiations(diags_, firstDiag, chain->second);
      });
      if (takeNamespaceItem(*it, nsState)) {
        ++declared;
        continue;
      }
      const std::optional<std::string> &ns = nsState.ns;
      if (auto *d = dyn_cast<ast::Declaration>(it.get())) {
        llvm::StringRef kw = d->keyword.name;
        if (kw == "target") { ++declared; continue; }
        if (auto kind = workloadKind(kw)) {
          ++declared;
          // A result is taken only for the declaration it is of, checked
          // in the namespace the loop has got to; any other is checked here,
          // and so is every one after it. (The early check reads a file's
          // namespace from its text, and takes only the form whose value
          // the text spells exactly: its declarations have no body left,
          // so for them the two must agree, and they do by construction;
          // tests/unit/check/early_check_test checks both paths agree.)
          assert((nextPrechecked >= prechecked.size() || prechecked[nextPrechecked].decl != d ||
                  prechecked[nextPrechecked].ns == ns.value_or("") || d->body) &&
                 "an early result checked in another namespace, its body gone");
          if (nextPrechecked < prechecked.size() && prechecked[nextPrechecked].decl == d &&
              prechecked[nextPrechecked].ns == ns.value_or("")) {
            Prechecked &p = prechecked[nextPrechecked++];
            for (Diagnostic &diag : p.diags) diags_.add(std::move(diag));
            madeTaken += p.made;
          } else {
            size_t before = program_.workloads.size();
            checkWorkload(*d, *kind, ns.value_or(""));
            if (program_.workloads.size() != before) serialAfter.push_back(madeTaken);
          }
          continue;
        }
        if (checkStorageDeclaration(*d, ns.value_or("")) || checkDeviceDeclaration(*d, ns.value_or("")) ||
            checkAppArmorDeclaration(*d)) {
          ++declared;
          continue;
        }
        Diagnostic &diag = diags_.report(DiagKind::UnknownDeclaration, d->keyword.range, kw, "at the top level");
        std::string close = closestMatch(kw, allNames(spec));
        if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(d->keyword.range, close);
        continue;
      }
      if (auto *a = dyn_cast<ast::Attribute>(it.get())) {
        Diagnostic &diag = diags_.report(DiagKind::UnknownField, a->path.front().range, a->dottedName(), "the file");
        std::string close = closestMatch(a->dottedName(), allNames(spec));
        if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close));
        continue;
      }
      // Imports, lets, templates, `for` and `if` were expanded away.
      diags_.report(DiagKind::MisplacedDeclaration, it->range, "a failure rule", "at the top level; it belongs in a `job`");
      ++declared;
    }
    // An expanded file had items (definitions count: a module of templates
    // declares something); only a file with nothing at all is empty.
    bool expandedFile = llvm::any_of(expanded.owned, [&](const auto &o) { return o.get() == f; });
    if (declared == 0 && f->items.empty() && !expandedFile && !diags_.hasErrors())
      diags_.report(DiagKind::EmptyFile, SourceRange{f->id, 0, 0}, sm_.name(f->id).str());
  }
  if (!pre.parts.empty()) mergePrechecked(pre, madeTaken, serialAfter);
  size_t firstCrossCheck = diags_.all().size();
  checkUniqueObjects();
  finishStorage();
  finishDevices();
  finishAppArmor();
  labelAnyInstantiation(diags_, firstCrossCheck, expanded);
  return std::move(program_);
}

bool Checker::takeNamespaceItem(const ast::Item &it, NamespaceState &st) {
  if (auto *d = dyn_cast<ast::Declaration>(&it); d && d->keyword.name == "namespace") {
    if (st.saw) {
      diags_.report(DiagKind::DuplicateField, d->keyword.range, "namespace").label(st.range, "first set here");
      return true;
    }
    st.saw = true;
    st.range = d->keyword.range;
    if (auto name = declName(*d, "namespace")) {
      rejectExtraWords(*d, 1, "the namespace name");
      // Checked as the attribute form below is: the API server refuses
      // every object in a namespace whose name is not a DNS label.
      auto errs = k8s::validateDns1123Label(name->first);
      if (errs.empty()) {
        st.ns = name->first;
      } else {
        Diagnostic &diag = diags_.report(DiagKind::InvalidName, name->second, "namespace", name->first, errs.front());
        std::string fixed = k8s::suggestDns1123(name->first);
        if (!fixed.empty() && fixed != name->first && k8s::validateDns1123Label(fixed).empty()) {
          diag.note(fmt::format("did you mean `{}`?", fixed));
          bool isString = d->nameWord()->kind == ast::Word::Kind::String;
          std::string spelled = fixed;
          if (!isString) std::replace(spelled.begin(), spelled.end(), '-', '_'); // identifiers say `_` for `-`
          diag.fix(name->second, isString ? "\"" + fixed + "\"" : spelled);
        }
      }
    }
    return true;
  }
  // `namespace = "shop"` reads naturally too.
  if (auto *a = dyn_cast<ast::Attribute>(&it); a && !st.saw && a->path.size() == 1 && a->path[0].name == "namespace") {
    st.saw = true;
    if (auto s = ex_.string(eval(*a->value), "the namespace")) {
      auto errs = k8s::validateDns1123Label(*s);
      if (!errs.empty()) diags_.report(DiagKind::InvalidName, a->value->range, "namespace", *s, errs.front());
      else st.ns = *s;
    }
    return true;
  }
  return false;
}

PrecheckedWorkloads Checker::precheckWorkloads(const ExpandedProgram &expanded) {
  struct Job {
    const ast::Declaration *decl;
    model::WorkloadKind kind;
    std::string ns;
  };
  std::vector<Job> jobs;
  {
    // Where each workload is and its namespace, as the loop in run() will
    // see them; what the namespace items report is the loop's to say.
    Diagnostics scratch;
    Checker dry(sm_, scratch, opts_);
    dry.program_.target = program_.target;
    for (const ast::File *f : expanded.files) {
      NamespaceState st;
      for (const ast::ItemPtr &it : f->items) {
        if (dry.takeNamespaceItem(*it, st)) continue;
        if (auto *d = dyn_cast<ast::Declaration>(it.get()))
          if (auto kind = workloadKind(d->keyword.name)) jobs.push_back({d, *kind, st.ns.value_or("")});
      }
    }
  }
  size_t threads = std::min(threadCount(opts_.threads), jobs.size() / kWorkloadsPerThread);
  PrecheckedWorkloads out;
  if (threads < 2) return out;
  size_t n = jobs.size();
  out.items.resize(n);
  out.parts.resize(threads);
  runParts(threads, [&](size_t t) {
    size_t begin = n * t / threads, end = n * (t + 1) / threads;
    Diagnostics diags;
    diags.setLimit(SIZE_MAX); // the replay into the real list applies the limit
    Checker sub(sm_, diags, opts_);
    sub.program_.target = program_.target;
    // Built in place, in the vector that becomes the program's list.
    sub.program_.workloads.reserve(t == 0 ? n : end - begin);
    for (size_t i = begin; i < end; ++i) {
      out.items[i].decl = jobs[i].decl;
      out.items[i].ns = jobs[i].ns;
      size_t first = diags.all().size(), made = sub.program_.workloads.size();
      sub.checkWorkload(*jobs[i].decl, jobs[i].kind, jobs[i].ns);
      out.items[i].made = sub.program_.workloads.size() != made;
      auto &reported = diags.all();
      out.items[i].diags.assign(std::make_move_iterator(reported.begin() + first), std::make_move_iterator(reported.end()));
      reported.resize(first);
    }
    out.parts[t] = std::move(sub.program_.workloads);
  });
  return out;
}

void Checker::mergePrechecked(PrecheckedWorkloads &pre, size_t madeTaken, const std::vector<size_t> &serialAfter) {
  std::vector<model::Workload> made = std::move(pre.parts[0]);
  size_t total = made.size();
  for (size_t t = 1; t < pre.parts.size(); ++t) total += pre.parts[t].size();
  // parts[0] has room for all already, except when the early check's
  // estimate of a file's workloads fell short: a Workload is large, so
  // each still moves once at most.
  made.reserve(total);
  for (size_t t = 1; t < pre.parts.size(); ++t)
    for (model::Workload &w : pre.parts[t]) made.push_back(std::move(w));
  // Only the prechecked workloads the loop took count (all of them, unless
  // it met the declarations in another order and checked the rest itself).
  while (made.size() > madeTaken) made.pop_back();
  if (program_.workloads.empty()) {
    program_.workloads = std::move(made);
    return;
  }
  std::vector<model::Workload> serial = std::move(program_.workloads);
  program_.workloads.clear();
  program_.workloads.reserve(made.size() + serial.size());
  size_t s = 0;
  for (size_t i = 0; i <= made.size(); ++i) {
    while (s < serial.size() && serialAfter[s] == i) program_.workloads.push_back(std::move(serial[s++]));
    if (i < made.size()) program_.workloads.push_back(std::move(made[i]));
  }
}

namespace {
// A workload's identity as an API object: kind, namespace and name (the
// strings are the workload's own).
struct ObjectKey {
  model::WorkloadKind kind;
  llvm::StringRef ns, name;
};
struct ObjectKeyInfo {
  using Str = llvm::DenseMapInfo<llvm::StringRef>;
  static ObjectKey getEmptyKey() { return {model::WorkloadKind::Pod, {}, Str::getEmptyKey()}; }
  static ObjectKey getTombstoneKey() { return {model::WorkloadKind::Pod, {}, Str::getTombstoneKey()}; }
  static unsigned getHashValue(const ObjectKey &k) {
    return static_cast<unsigned>(llvm::hash_combine(static_cast<int>(k.kind), k.ns, k.name));
  }
  static bool isEqual(const ObjectKey &a, const ObjectKey &b) {
    // The empty and tombstone keys are told by their name's pointer alone.
    if (b.name.data() == Str::getEmptyKey().data() || b.name.data() == Str::getTombstoneKey().data() ||
        a.name.data() == Str::getEmptyKey().data() || a.name.data() == Str::getTombstoneKey().data())
      return a.name.data() == b.name.data();
    return a.kind == b.kind && a.ns == b.ns && a.name == b.name;
  }
};
} // namespace

void Checker::checkUniqueObjects() {
  // One hash lookup per workload, on the serial path of large builds; the
  // keys point into the workloads, so nothing is copied or allocated per
  // entry.
  llvm::DenseMap<ObjectKey, const model::Workload *, ObjectKeyInfo> seen;
  seen.reserve(static_cast<unsigned>(program_.workloads.size()));
  for (const model::Workload &w : program_.workloads) {
    auto [it, inserted] = seen.try_emplace(ObjectKey{w.kind, w.ns, w.name}, &w);
    if (!inserted)
      diags_.report(DiagKind::DuplicateObjectName, w.nameRange, workloadKindName(w.kind).str(), w.name, w.ns.empty() ? "default" : w.ns)
          .label(it->second->nameRange, "first declared here");
  }
}

void Checker::walkBlock(const ast::Body &body, BlockKind kind, llvm::StringRef where, const BlockHandlers &h) {
  walkBlock(body, kind, [&] { return where.str(); }, h);
}

void Checker::walkBlock(const ast::Body &body, BlockKind kind, llvm::function_ref<std::string()> where, const BlockHandlers &h) {
  const BlockSpec &spec = blockSpec(kind);
  // Blocks are small: a linear scan beats a map here. The names are the
  // attributes' own (a dotted one is joined in `joined`): no copy per field.
  llvm::SmallVector<std::pair<llvm::StringRef, SourceRange>, 16> seenAttrs;
  std::list<std::string> joined; // no allocation until used (unlike a deque)
  llvm::SmallString<32> buf;
  for (const ast::ItemPtr &it : body.items) {
    if (auto *a = dyn_cast<ast::Attribute>(it.get())) {
      llvm::StringRef name = a->dottedName(buf);
      if (a->path.size() != 1) name = joined.emplace_back(name.str());
      if (!findAttribute(spec, name)) {
        Diagnostic &d = diags_.report(DiagKind::UnknownField, a->path.front().range, name, where());
        std::string close = closestMatch(name, allNames(spec));
        if (!close.empty()) {
          d.note(fmt::format("did you mean `{}`?", close));
          SourceRange keyRange = SourceRange::join(a->path.front().range, a->path.back().range);
          d.fix(keyRange, close);
        }
        continue;
      }
      auto prev = std::find_if(seenAttrs.begin(), seenAttrs.end(), [&](const auto &p) { return p.first == name; });
      if (prev != seenAttrs.end()) {
        diags_.report(DiagKind::DuplicateField, a->path.front().range, name).label(prev->second, "first set here");
        continue;
      }
      seenAttrs.emplace_back(name, a->path.front().range);
      if (h.attribute) h.attribute(*a, name, eval(*a->value));
      continue;
    }
    if (auto *d = dyn_cast<ast::Declaration>(it.get())) {
      if (!findChild(spec, d->keyword.name)) {
        Diagnostic &diag = diags_.report(DiagKind::UnknownDeclaration, d->keyword.range, d->keyword.name, "in " + where());
        std::string close = closestMatch(d->keyword.name, allNames(spec));
        if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(d->keyword.range, close);
        continue;
      }
      if (h.declaration) h.declaration(*d);
      continue;
    }
    if (h.other && h.other(*it)) continue;
    llvm::StringRef what = it->kind == ast::ItemKind::FailureRule ? "a failure rule"
                           : it->kind == ast::ItemKind::Import ? "`import`"
                           : it->kind == ast::ItemKind::Let    ? "`let`"
                                                               : "this construct";
    diags_.report(DiagKind::MisplacedDeclaration, it->range, what.str(), "in " + where());
  }
}

std::optional<model::StringMap> Checker::stringMap(const ast::Item &item, llvm::StringRef what, KeyRanges *keyRanges) {
  model::StringMap out;
  bool ok = true;
  auto add = [&](const std::string &key, SourceRange keyRange, const Value &v) {
    std::string text;
    if (v.kind == Value::Kind::String) text = v.text;
    else if (v.kind == Value::Kind::Int || v.kind == Value::Kind::Number) text = v.text;
    else if (v.kind == Value::Kind::Bool) text = v.boolean ? "true" : "false";
    else {
      if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("a string in {}", what.str()), describe(v));
      ok = false;
      return;
    }
    if (!out.emplace(key, text).second) {
      diags_.report(DiagKind::DuplicateField, keyRange, key);
      ok = false;
    } else if (keyRanges) {
      (*keyRanges)[key] = keyRange;
    }
  };
  if (auto *d = dyn_cast<ast::Declaration>(&item)) {
    if (!d->body || !d->words.empty() || d->value) {
      diags_.report(DiagKind::SyntaxError, d->range, fmt::format("expected `{} {{ key = \"value\" }}`", d->keyword.name));
      return std::nullopt;
    }
    for (const ast::ItemPtr &it : d->body->items) {
      auto *a = dyn_cast<ast::Attribute>(it.get());
      if (!a) {
        diags_.report(DiagKind::MisplacedDeclaration, it->range, "this", fmt::format("in {}; write `key = \"value\"`", what.str()));
        ok = false;
        continue;
      }
      add(a->dottedName(), SourceRange::join(a->path.front().range, a->path.back().range), eval(*a->value));
    }
  } else if (auto *a = dyn_cast<ast::Attribute>(&item)) {
    Value v = eval(*a->value);
    if (v.kind != Value::Kind::Map) {
      if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("a map for {}", what.str()), describe(v));
      return std::nullopt;
    }
    for (const Value::Entry &e : v.entries) add(e.key, e.keyRange, *e.value);
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::pair<std::string, SourceRange>> Checker::declName(const ast::Declaration &d, llvm::StringRef what) {
  const ast::Word *w = d.nameWord();
  if (!w || w->index) {
    diags_.report(DiagKind::MissingName, d.keyword.range, what.str());
    return std::nullopt;
  }
  // Identifiers map to Kubernetes names by `_` -> `-`; a string is taken as is.
  std::string name = w->kind == ast::Word::Kind::String ? w->text : k8s::identifierToK8sName(w->text);
  return std::make_pair(name, w->range);
}

void Checker::rejectExtraWords(const ast::Declaration &d, size_t allowed, llvm::StringRef what) {
  rejectExtraWords(d, allowed, [&] { return what.str(); });
}

void Checker::rejectExtraWords(const ast::Declaration &d, size_t allowed, llvm::function_ref<std::string()> what) {
  size_t seen = 0;
  for (const ast::WordGroup &g : d.words)
    for (const ast::Word &w : g)
      if (++seen > allowed) {
        diags_.report(DiagKind::UnexpectedWords, w.range, w.text, what());
        return;
      }
}

bool Checker::requireFeature(k8s::Feature f, SourceRange where) {
  if (k8s::available(f, target())) return true;
  k8s::FeatureInfo info = k8s::feature(f, target());
  diags_.report(DiagKind::FeatureUnavailable, where, info.description.str(), info.since.str(), target().str());
  return false;
}

std::optional<model::AppArmorRef> Checker::appArmorRef(const Value &v) {
  model::AppArmorRef ref;
  ref.range = v.range;
  if (v.kind == Value::Kind::Symbol && v.text == "runtime_default") return ref;
  if (v.kind == Value::Kind::Symbol && v.text == "unconfined") {
    ref.kind = model::AppArmorRef::Kind::Unconfined;
    return ref;
  }
  if (v.kind == Value::Kind::Call && v.text == "localhost") {
    if (v.items.size() != 1 || !v.entries.empty()) {
      diags_.report(DiagKind::WrongArgumentCount, v.range, "localhost", "one argument (the profile name)", v.items.size() + v.entries.size());
      return std::nullopt;
    }
    auto name = ex_.string(v.items[0], "the AppArmor profile name");
    if (!name) return std::nullopt;
    if (name->empty() || llvm::StringRef(*name).trim() != *name) {
      diags_.report(DiagKind::InvalidName, v.items[0].range, "AppArmor profile", *name, "must be non-empty and not padded with spaces");
      return std::nullopt;
    }
    ref.kind = model::AppArmorRef::Kind::Localhost;
    ref.profile = *name;
    return ref;
  }
  if (v.kind == Value::Kind::Symbol && !llvm::StringRef(v.text).contains('.')) {
    // A bare name is a profile declared in rig, maybe in a later file:
    // finishAppArmor resolves it or reports it.
    ref.kind = model::AppArmorRef::Kind::Localhost;
    ref.profile = v.text;
    ref.declared = true;
    return ref;
  }
  if (v.kind == Value::Kind::Symbol) {
    diags_.report(DiagKind::UndefinedName, v.range, v.text, "as an AppArmor profile")
        .note(fmt::format("to use a profile already loaded on the nodes, write `localhost(\"{}\")`", v.text));
  } else if (!v.isError()) {
    diags_.report(DiagKind::TypeMismatch, v.range,
                  "`runtime_default`, `unconfined` or `localhost(\"profile\")` for `apparmor`", describe(v));
  }
  return std::nullopt;
}

std::optional<std::string> Checker::seccompProfile(const Value &v) {
  static const llvm::StringRef allowed[] = {"runtime_default", "unconfined"};
  auto s = ex_.oneOf(v, "`seccomp`", allowed);
  if (!s) return std::nullopt;
  return *s == "runtime_default" ? std::string("RuntimeDefault") : std::string("Unconfined");
}

} // namespace sema
} // namespace rig
