// Containers, sidecars and init containers: image, command, env, ports,
// resources, mounts, probes, lifecycle hooks and the security context.
#include "compiler/check/checker.h"
#include "compiler/k8s/names.h"
#include "llvm/ADT/SmallString.h"

namespace rig::sema {

using llvm::dyn_cast;

namespace {

// Kubernetes resource names as users write them in rig.
std::string resourceName(llvm::StringRef key) {
  if (key == "ephemeral_storage") return "ephemeral-storage";
  return key.str();
}

} // namespace

// `http_get "/path" port 8080 [scheme HTTPS] [host "h"]`, `tcp_socket port
// 8080`, `grpc port 9090 [service "s"]`: words after the keyword.
static void parseActionWords(Checker &ck, const ast::Declaration &d, model::Action &a) {
  a.range = d.range;
  std::vector<const ast::Word *> words;
  for (const ast::WordGroup &g : d.words)
    for (const ast::Word &w : g) words.push_back(&w);
  size_t i = 0;
  llvm::StringRef kw = d.keyword.name;
  if (kw == "http_get") {
    a.kind = model::Action::Kind::HttpGet;
    if (i < words.size() && words[i]->kind == ast::Word::Kind::String) {
      a.path = words[i]->text;
      if (!llvm::StringRef(a.path).startswith("/"))
        ck.diags().report(DiagKind::InvalidMountPath, words[i]->range, a.path).note("an HTTP probe path starts with `/`");
      ++i;
    }
  } else if (kw == "tcp_socket") {
    a.kind = model::Action::Kind::TcpSocket;
  } else {
    a.kind = model::Action::Kind::Grpc;
  }
  bool sawPort = false;
  while (i < words.size()) {
    const ast::Word &key = *words[i];
    if (i + 1 >= words.size()) {
      ck.diags().report(DiagKind::SyntaxError, key.range, fmt::format("`{}` needs a value after it", key.text));
      return;
    }
    const ast::Word &val = *words[i + 1];
    i += 2;
    if (key.text == "port") {
      sawPort = true;
      if (val.kind == ast::Word::Kind::Number) {
        int64_t n = 0;
        if (llvm::StringRef(val.text).getAsInteger(10, n) || n < 1 || n > 65535)
          ck.diags().report(DiagKind::PortOutOfRange, val.range, val.text);
        else a.portNumber = n;
      } else {
        a.portName = k8s::identifierToK8sName(val.text);
        if (a.kind == model::Action::Kind::Grpc)
          ck.diags().report(DiagKind::TypeMismatch, val.range, "a port number for `grpc` (the API takes no named port there)", "`" + val.text + "`");
      }
    } else if (key.text == "scheme" && a.kind == model::Action::Kind::HttpGet) {
      std::string s = llvm::StringRef(val.text).upper();
      if (s != "HTTP" && s != "HTTPS") ck.diags().report(DiagKind::InvalidEnumValue, val.range, val.text, "scheme", "`HTTP`, `HTTPS`");
      else a.scheme = s;
    } else if (key.text == "host" && a.kind != model::Action::Kind::Grpc) {
      a.host = val.text;
    } else if (key.text == "service" && a.kind == model::Action::Kind::Grpc) {
      a.service = val.text;
    } else {
      Diagnostic &diag = ck.diags().report(DiagKind::UnexpectedWords, key.range, key.text, fmt::format("`{}`", kw));
      static const llvm::StringRef keys[] = {"port", "scheme", "host", "service"};
      std::string close = closestMatch(key.text, keys);
      if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(key.range, close);
    }
  }
  if (!sawPort) ck.diags().report(DiagKind::MissingField, d.range, fmt::format("`{}`", kw), "port");
}

// A probe or lifecycle hook body: exactly one action plus timing fields.
static model::Action parseActionBlock(Checker &ck, const ast::Declaration &d, BlockKind kind, model::Probe *probe) {
  model::Action action;
  action.range = d.range;
  unsigned actions = 0;
  if (!d.body) {
    ck.diags().report(DiagKind::SyntaxError, d.range, fmt::format("expected `{} {{ … }}`", d.keyword.name));
    return action;
  }
  BlockHandlers h;
  h.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
    if (f == "exec") {
      ++actions;
      action.kind = model::Action::Kind::Exec;
      if (auto l = ck.ex().stringList(v, "`exec`")) {
        if (l->empty()) ck.diags().report(DiagKind::MissingField, v.range, "`exec`", "a command");
        action.command = *l;
      }
    } else if (f == "sleep") {
      ++actions;
      action.kind = model::Action::Kind::Sleep;
      if (ck.requireFeature(k8s::Feature::SleepAction, a.range))
        if (auto s = ck.ex().durationSeconds(v, "`sleep`")) action.seconds = *s;
    } else if (probe) {
      auto dur = [&](std::optional<int64_t> &field, llvm::StringRef what) {
        if (auto s = ck.ex().durationSeconds(v, what)) field = *s;
      };
      if (f == "initial_delay") dur(probe->initialDelaySeconds, "`initial_delay`");
      else if (f == "period") dur(probe->periodSeconds, "`period`");
      else if (f == "timeout") dur(probe->timeoutSeconds, "`timeout`");
      else if (f == "termination_grace_period") dur(probe->terminationGracePeriodSeconds, "`termination_grace_period`");
      else if (f == "success_threshold") probe->successThreshold = ck.ex().integer(v, "`success_threshold`", 1, INT32_MAX);
      else if (f == "failure_threshold") probe->failureThreshold = ck.ex().integer(v, "`failure_threshold`", 1, INT32_MAX);
      // Kubernetes requires a period of at least 1 second.
      if (f == "period" && probe->periodSeconds && *probe->periodSeconds < 1)
        ck.diags().report(DiagKind::ValueTooSmall, v.range, "`period`", "1s", v.text);
      if (f == "timeout" && probe->timeoutSeconds && *probe->timeoutSeconds < 1)
        ck.diags().report(DiagKind::ValueTooSmall, v.range, "`timeout`", "1s", v.text);
    }
  };
  h.declaration = [&](const ast::Declaration &a) {
    ++actions;
    parseActionWords(ck, a, action);
  };
  ck.walkBlock(*d.body, kind, fmt::format("`{}`", d.keyword.name), h);
  if (actions != 1) ck.diags().report(DiagKind::ProbeNeedsAction, d.range, fmt::format("`{}`", d.keyword.name), actions);
  return action;
}

void Checker::checkContainer(const ast::Declaration &d, model::ContainerRole role, model::Container &c) {
  auto name = declName(d, d.keyword.name);
  if (!name) return;
  c.name = name->first;
  c.sourceName = d.nameWord()->text;
  c.nameRange = name->second;
  c.range = d.range;
  c.role = role;
  rejectExtraWords(d, 1, [&] { return fmt::format("the {} name", d.keyword.name); });
  for (const ast::Ident &a : d.after) {
    if (role == model::ContainerRole::Main) {
      diags_.report(DiagKind::UnexpectedWords, a.range, "after", "a main container; main containers start after every init container and sidecar");
      break;
    }
    c.after.push_back(k8s::identifierToK8sName(a.name));
    c.afterRanges.push_back(a.range);
  }
  if (d.value) diags_.report(DiagKind::UnsupportedConstruct, d.value->range, "instantiating a container from a value");
  if (!d.body) {
    diags_.report(DiagKind::MissingField, d.range, fmt::format("{} `{}`", d.keyword.name, c.name), "image");
    return;
  }
  bool sawImage = false;
  BlockHandlers h;
  h.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
    if (f == "image") {
      sawImage = true;
      if (auto s = ex_.string(v, "`image`")) {
        llvm::StringRef img(*s);
        if (img.empty() || img.trim() != img || img.contains(' '))
          diags_.report(DiagKind::InvalidImage, v.range, *s, "must be non-empty and contain no spaces");
        else if (std::string why = k8s::imageReferenceError(img); !why.empty())
          diags_.report(DiagKind::InvalidImage, v.range, *s, why)
              .note("the API server stores it, but the kubelet refuses to pull it (InvalidImageName) and the pod never starts");
        else if (img.endswith(":latest") || (!img.contains('@') && !img.contains(':'))) // no tag, no digest
          diags_.report(DiagKind::LatestImageTag, v.range, *s);
        c.image = std::move(*s);
      }
    } else if (f == "image_pull_policy") {
      static const llvm::StringRef allowed[] = {"Always", "IfNotPresent", "Never"};
      if (auto s = ex_.oneOf(v, "image pull policy", allowed)) c.imagePullPolicy.mut() = *s;
    } else if (f == "command") {
      if (auto l = ex_.stringList(v, "`command`")) c.command.mut() = *l;
      c.commandRange = v.range;
    } else if (f == "args") {
      if (auto l = ex_.stringList(v, "`args`")) c.args.mut() = *l;
    } else if (f == "working_dir") {
      if (auto s = ex_.string(v, "`working_dir`")) c.workingDir.mut() = *s;
    } else if (f == "port") {
      if (auto n = ex_.integer(v, "a port", INT64_MIN, INT64_MAX)) {
        if (*n < 1 || *n > 65535) diags_.report(DiagKind::PortOutOfRange, v.range, *n);
        else c.ports.push_back({"", *n, "", std::nullopt, a.range});
      }
    } else if (f == "apparmor") {
      c.security.mut().appArmor = appArmorRef(v);
    } else if (f == "seccomp") {
      if (auto s = seccompProfile(v)) c.security.mut().seccomp = *s;
    } else if (f == "env") {
      if (v.kind != Value::Kind::Map) {
        if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, "a map of environment variables", describe(v));
        return;
      }
      for (const Value::Entry &e : v.entries) c.env.push_back(envVar(e.key, e.keyRange, *e.value));
    }
  };
  h.declaration = [&](const ast::Declaration &x) {
    llvm::StringRef kw = x.keyword.name;
    if (kw == "env") {
      if (x.body && x.words.empty() && !x.value) {
        for (const ast::ItemPtr &it : x.body->items) {
          auto *a = dyn_cast<ast::Attribute>(it.get());
          if (!a) {
            diags_.report(DiagKind::MisplacedDeclaration, it->range, "this", "in `env`; write `NAME = value`");
            continue;
          }
          c.env.push_back(envVar(a->dottedName(), a->path.front().range, eval(*a->value)));
        }
        return;
      }
      const ast::Word *w = x.nameWord();
      if (!w || !x.value) {
        diags_.report(DiagKind::SyntaxError, x.range, "expected `env NAME = value`");
        return;
      }
      rejectExtraWords(x, 1, "the variable name");
      c.env.push_back(envVar(w->text, w->range, eval(*x.value)));
    } else if (kw == "port") {
      auto pname = declName(x, "port");
      if (!pname) return;
      // Port names keep their spelling: they are IANA service names, and
      // `_` is not allowed there, so convert like other names.
      model::Port p;
      p.name = pname->first;
      p.range = x.range;
      rejectExtraWords(x, 1, "the port name");
      for (const std::string &e : k8s::validatePortName(p.name)) {
        diags_.report(DiagKind::InvalidName, pname->second, "port", p.name, e);
        return;
      }
      if (!x.value) {
        diags_.report(DiagKind::MissingField, x.range, fmt::format("port `{}`", p.name), "= NUMBER");
        return;
      }
      Value pv = eval(*x.value);
      auto n = ex_.integer(pv, "a port", INT64_MIN, INT64_MAX);
      if (!n) return;
      if (*n < 1 || *n > 65535) {
        diags_.report(DiagKind::PortOutOfRange, pv.range, *n);
        return;
      }
      p.number = *n;
      if (x.body) {
        BlockHandlers ph;
        ph.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
          if (f == "protocol") {
            static const llvm::StringRef allowed[] = {"TCP", "UDP", "SCTP"};
            if (auto s = ex_.oneOf(v, "protocol", allowed)) p.protocol = *s;
          } else if (f == "host_port") {
            if (auto hp = ex_.integer(v, "`host_port`", INT64_MIN, INT64_MAX)) {
              if (*hp < 1 || *hp > 65535) diags_.report(DiagKind::PortOutOfRange, v.range, *hp);
              else p.hostPort = *hp;
            }
          }
        };
        walkBlock(*x.body, BlockKind::PortOptions, "a port", ph);
      }
      c.ports.push_back(std::move(p));
    } else if (kw == "requests" || kw == "limits") {
      auto &target = kw == "requests" ? c.resources.requests : c.resources.limits;
      if (!x.body || !x.words.empty() || x.value) {
        diags_.report(DiagKind::SyntaxError, x.range, fmt::format("expected `{} {{ cpu = 500m, memory = 512Mi }}`", kw));
        return;
      }
      for (const ast::ItemPtr &it : x.body->items) {
        auto *a = dyn_cast<ast::Attribute>(it.get());
        if (!a) {
          diags_.report(DiagKind::MisplacedDeclaration, it->range, "this", fmt::format("in `{}`; write `cpu = 500m`", kw));
          continue;
        }
        llvm::SmallString<32> keyBuf;
        llvm::StringRef key = a->dottedName(keyBuf);
        SourceRange keyRange = SourceRange::join(a->path.front().range, a->path.back().range);
        // Known names may be bare; extended resources are quoted
        // ("nvidia.com/gpu") and must be qualified names. (Nearly every
        // entry is `cpu` or `memory`, known without a look at the schema.)
        bool common = !a->quotedKey && (key == "cpu" || key == "memory");
        if (!common && !a->quotedKey && !findAttribute(blockSpec(BlockKind::ResourceMap), key)) {
          Diagnostic &diag = diags_.report(DiagKind::UnknownResource, keyRange, key);
          std::string close = closestMatch(key, allNames(blockSpec(BlockKind::ResourceMap)));
          if (!close.empty() && !llvm::StringRef(key).contains_insensitive("gpu"))
            diag.note(fmt::format("did you mean `{}`?", close)).fix(keyRange, close);
          if (close.empty() || llvm::StringRef(key).contains_insensitive("gpu"))
            diag.note("extended resources are written quoted, e.g. `\"nvidia.com/gpu\" = 1`");
          continue;
        }
        std::string res = common ? key.str() : resourceName(key);
        if (a->quotedKey && res != "cpu" && res != "memory" && res != "ephemeral-storage") {
          auto errs = k8s::validateQualifiedName(res);
          if (!errs.empty() || !llvm::StringRef(res).contains('/')) {
            diags_.report(DiagKind::UnknownResource, keyRange, res)
                .note("extended resources are domain-qualified, e.g. `nvidia.com/gpu`");
            continue;
          }
        }
        // One lookup for both the duplicate check and the insertion: the
        // entry goes in now and comes out again if its amount is no
        // quantity (as if it had never been set).
        // (Nothing below touches `target`, so `entry` stays valid.)
        auto [entry, fresh] = target.emplace(std::move(res), model::ResourceAmount{});
        if (!fresh) {
          diags_.report(DiagKind::DuplicateField, keyRange, key).label(entry->second.range, "first set here");
          continue;
        }
        llvm::StringRef name = entry->first;
        // Nearly every amount is a literal (`500m`): its text is the quantity.
        const ast::Expr &amount = *a->value;
        std::optional<Quantity> q = amount.kind == ast::ExprKind::Number
                                        ? ex_.quantityText(llvm::cast<ast::NumberExpr>(amount).text, amount.range, name)
                                        : ex_.quantity(eval(amount), name);
        if (q) entry->second = model::ResourceAmount{*q, amount.range};
        else target.erase(entry);
      }
    } else if (kw == "mount") {
      checkMount(x, c);
    } else if (kw == "uses") {
      checkClaimUse(x, c);
    } else if (kw == "liveness" || kw == "readiness" || kw == "startup") {
      model::Probe probe;
      probe.range = x.range;
      rejectExtraWords(x, 0, fmt::format("`{}`", kw));
      probe.action = parseActionBlock(*this, x, BlockKind::Probe, &probe);
      // Kubernetes: liveness and startup probes must have successThreshold 1.
      if (kw != "readiness" && probe.successThreshold && *probe.successThreshold != 1)
        diags_.report(DiagKind::ProbeThreshold, x.range, kw, *probe.successThreshold);
      (kw == "liveness" ? c.liveness : kw == "readiness" ? c.readiness : c.startup) = std::move(probe);
    } else if (kw == "post_start" || kw == "pre_stop") {
      rejectExtraWords(x, 0, fmt::format("`{}`", kw));
      model::Action act = parseActionBlock(*this, x, BlockKind::LifecycleHook, nullptr);
      (kw == "post_start" ? c.lifecycle.postStart : c.lifecycle.preStop) = std::move(act);
    } else if (kw == "security") {
      checkSecurity(x, c.security.mut());
    }
  };
  walkBlock(*d.body, BlockKind::Container, [&] { return fmt::format("{} `{}`", d.keyword.name, c.name); }, h);
  if (!sawImage) diags_.report(DiagKind::MissingField, c.nameRange, fmt::format("{} `{}`", d.keyword.name, c.name), "image");
}

model::EnvVar Checker::envVar(const std::string &name, SourceRange nameRange, const Value &v) {
  model::EnvVar e;
  e.name = name;
  e.range = nameRange;
  for (const std::string &err : k8s::validateEnvVarName(name, target().minor)) {
    diags_.report(DiagKind::InvalidEnvName, nameRange, name, err);
    break;
  }
  switch (v.kind) {
  case Value::Kind::String: e.value = v.text; return e;
  case Value::Kind::Int:
  case Value::Kind::Number: e.value = v.text; return e;
  case Value::Kind::Bool: e.value = v.boolean ? "true" : "false"; return e;
  case Value::Kind::Error: return e;
  case Value::Kind::Call: break;
  default:
    diags_.report(DiagKind::TypeMismatch, v.range, "a string, secret(…), config_map(…), field(…) or resource(…)", describe(v));
    return e;
  }
  auto args = [&](size_t n, llvm::StringRef what) {
    if (v.items.size() == n) return true;
    diags_.report(DiagKind::WrongArgumentCount, v.range, v.text, what.str(), v.items.size());
    return false;
  };
  if (v.text == "secret" || v.text == "config_map") {
    e.source = v.text == "secret" ? model::EnvVar::Source::SecretKey : model::EnvVar::Source::ConfigMapKey;
    if (!args(2, "two arguments (the object's name and the key)")) return e;
    auto obj = ex_.string(v.items[0], fmt::format("the {} name", v.text));
    auto key = ex_.string(v.items[1], "the key");
    if (obj) {
      auto errs = k8s::validateDns1123Subdomain(*obj);
      if (!errs.empty()) diags_.report(DiagKind::InvalidName, v.items[0].range, v.text, *obj, errs.front());
      e.object = *obj;
    }
    if (key) {
      auto errs = k8s::validateConfigMapKey(*key);
      if (!errs.empty()) diags_.report(DiagKind::InvalidName, v.items[1].range, "key", *key, errs.front());
      e.key = *key;
    }
    if (const Value *o = v.named("optional")) e.optional = ex_.boolean(*o, "`optional`");
    return e;
  }
  if (v.text == "field") {
    e.source = model::EnvVar::Source::FieldRef;
    if (!args(1, "one argument (the field path)")) return e;
    static const llvm::StringRef paths[] = {"metadata.name", "metadata.namespace", "metadata.uid", "spec.nodeName",
                                           "spec.serviceAccountName", "status.hostIP", "status.hostIPs",
                                           "status.podIP", "status.podIPs"};
    if (auto p = ex_.string(v.items[0], "the field path")) {
      llvm::StringRef ps(*p);
      bool ok = std::find(std::begin(paths), std::end(paths), ps) != std::end(paths) ||
                ps.startswith("metadata.labels['") || ps.startswith("metadata.annotations['");
      if (!ok) {
        Diagnostic &diag = diags_.report(DiagKind::InvalidEnumValue, v.items[0].range, *p, "downward API field for env",
                                         "`metadata.name`, `metadata.namespace`, `metadata.uid`, `metadata.labels['…']`, `metadata.annotations['…']`, `spec.nodeName`, `spec.serviceAccountName`, `status.hostIP`, `status.hostIPs`, `status.podIP`, `status.podIPs`");
        std::string close = closestMatch(*p, paths);
        if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close));
      }
      e.value = *p;
    }
    return e;
  }
  if (v.text == "resource") {
    e.source = model::EnvVar::Source::ResourceFieldRef;
    if (!args(1, "one argument (e.g. \"limits.cpu\")")) return e;
    static const llvm::StringRef res[] = {"limits.cpu", "limits.memory", "limits.ephemeral-storage", "requests.cpu",
                                         "requests.memory", "requests.ephemeral-storage"};
    if (auto r = ex_.oneOf(v.items[0], "resource field", res)) e.value = *r;
    return e;
  }
  Diagnostic &diag = diags_.report(DiagKind::UnknownFunction, v.range, v.text, "for an environment variable");
  static const llvm::StringRef fns[] = {"secret", "config_map", "field", "resource"};
  std::string close = closestMatch(v.text, fns);
  if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close));
  return e;
}

// `mount VOLUME at "/path" [readonly] [{ sub_path = "x" }]`
void Checker::checkMount(const ast::Declaration &x, model::Container &c) {
  std::vector<const ast::Word *> words;
  for (const ast::WordGroup &g : x.words)
    for (const ast::Word &w : g) words.push_back(&w);
  if (words.size() < 3 || words[0]->kind != ast::Word::Kind::Name || words[1]->text != "at" ||
      words[2]->kind != ast::Word::Kind::String) {
    diags_.report(DiagKind::SyntaxError, x.range, "expected `mount VOLUME at \"/path\" [readonly]`");
    return;
  }
  model::Mount m;
  m.volume = k8s::identifierToK8sName(words[0]->text);
  m.volumeRange = words[0]->range;
  m.path = words[2]->text;
  m.range = x.range;
  if (words.size() >= 4) {
    if (words[3]->text == "readonly" && words[3]->kind == ast::Word::Kind::Name) m.readOnly = true;
    else {
      Diagnostic &diag = diags_.report(DiagKind::UnexpectedWords, words[3]->range, words[3]->text, "the mount path");
      if (closestMatch(words[3]->text, llvm::ArrayRef<llvm::StringRef>{"readonly"}) == "readonly")
        diag.note("did you mean `readonly`?").fix(words[3]->range, "readonly");
    }
    if (words.size() > 4) diags_.report(DiagKind::UnexpectedWords, words[4]->range, words[4]->text, "`readonly`");
  }
  llvm::StringRef p(m.path);
  if (!p.startswith("/") || p.contains("/../") || p.endswith("/..") || p.contains(':'))
    diags_.report(DiagKind::InvalidMountPath, words[2]->range, m.path);
  if (x.body) {
    BlockHandlers mh;
    mh.attribute = [&](const ast::Attribute &a, llvm::StringRef, const Value &v) {
      if (auto s = ex_.string(v, "`sub_path`")) {
        llvm::StringRef sp(*s);
        if (sp.startswith("/") || sp == ".." || sp.startswith("../") || sp.contains("/../") || sp.endswith("/.."))
          diags_.report(DiagKind::InvalidMountPath, v.range, *s).note("`sub_path` is relative and must not contain `..`");
        else m.subPath = *s;
      }
    };
    walkBlock(*x.body, BlockKind::MountOptions, "a mount", mh);
  }
  c.mounts.push_back(std::move(m));
}

void Checker::checkSecurity(const ast::Declaration &x, model::SecurityContext &sec) {
  if (!x.body || !x.words.empty()) {
    diags_.report(DiagKind::SyntaxError, x.range, "expected `security { … }`");
    return;
  }
  auto capList = [&](const Value &v, std::vector<std::string> &out, std::vector<SourceRange> *ranges, llvm::StringRef what) {
    if (v.kind != Value::Kind::List) {
      if (!v.isError()) diags_.report(DiagKind::TypeMismatch, v.range, fmt::format("a list of capabilities for `{}`", what.str()), describe(v));
      return;
    }
    for (const Value &cap : v.items) {
      if (cap.kind != Value::Kind::String && cap.kind != Value::Kind::Symbol) {
        if (!cap.isError()) diags_.report(DiagKind::TypeMismatch, cap.range, "a capability name", describe(cap));
        continue;
      }
      std::string name = llvm::StringRef(cap.text).upper();
      if (llvm::StringRef(name).startswith("CAP_")) name = name.substr(4);
      if (!k8s::isKnownCapability(name)) {
        Diagnostic &diag = diags_.report(DiagKind::UnknownCapability, cap.range, cap.text);
        std::string close = closestMatch(name, k8s::knownCapabilities());
        if (!close.empty()) diag.note(fmt::format("did you mean `{}`?", close)).fix(cap.range, close);
        continue;
      }
      out.push_back(name);
      if (ranges) ranges->push_back(cap.range);
    }
  };
  BlockHandlers h;
  h.attribute = [&](const ast::Attribute &a, llvm::StringRef f, const Value &v) {
    if (f == "run_as_user") sec.runAsUser = ex_.integer(v, "`run_as_user`", 0, INT32_MAX);
    else if (f == "run_as_group") sec.runAsGroup = ex_.integer(v, "`run_as_group`", 0, INT32_MAX);
    else if (f == "run_as_non_root") sec.runAsNonRoot = ex_.boolean(v, "`run_as_non_root`");
    else if (f == "read_only_root_filesystem") sec.readOnlyRootFilesystem = ex_.boolean(v, "`read_only_root_filesystem`");
    else if (f == "allow_privilege_escalation") sec.allowPrivilegeEscalation = ex_.boolean(v, "`allow_privilege_escalation`");
    else if (f == "privileged") sec.privileged = ex_.boolean(v, "`privileged`");
  };
  h.declaration = [&](const ast::Declaration &cd) {
    if (!cd.body || !cd.words.empty()) {
      diags_.report(DiagKind::SyntaxError, cd.range, "expected `capabilities { add = [...], drop = [...] }`");
      return;
    }
    BlockHandlers ch;
    ch.attribute = [&](const ast::Attribute &, llvm::StringRef name, const Value &v) {
      bool add = name == "add";
      capList(v, add ? sec.capAdd : sec.capDrop, add ? &sec.capAddRanges : nullptr, name);
    };
    walkBlock(*cd.body, BlockKind::Capabilities, "`capabilities`", ch);
  };
  walkBlock(*x.body, BlockKind::Security, "the security context", h);
  if (sec.runAsNonRoot.value_or(false) && sec.runAsUser.value_or(-1) == 0) diags_.report(DiagKind::ConflictingSecurity, x.range);
  // The API server rejects allowPrivilegeEscalation=false with privileged or
  // CAP_SYS_ADMIN: both grant what it forbids.
  if (sec.allowPrivilegeEscalation == false) {
    if (sec.privileged.value_or(false)) diags_.report(DiagKind::PrivilegedEscalation, x.range, "`privileged = true`");
    else if (std::find(sec.capAdd.begin(), sec.capAdd.end(), "SYS_ADMIN") != sec.capAdd.end())
      diags_.report(DiagKind::PrivilegedEscalation, x.range, "adding `SYS_ADMIN`");
  }
}

} // namespace rig::sema
