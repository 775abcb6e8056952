// JSON and SARIF renderings. Both are built with llvm::json so escaping is
// right by construction; object keys are emitted in sorted order, which keeps
// the output deterministic.
#include "compiler/diagnostics/render.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/raw_ostream.h"

namespace rig {

namespace {

llvm::json::Object rangeJson(const SourceManager &sm, SourceRange r) {
  LineColumn b = sm.lineColumn(r.file, r.begin);
  LineColumn e = sm.lineColumn(r.file, r.end);
  return llvm::json::Object{
      {"file", sm.name(r.file)},
      {"start", llvm::json::Object{{"line", b.line}, {"column", b.column}, {"offset", r.begin}}},
      {"end", llvm::json::Object{{"line", e.line}, {"column", e.column}, {"offset", r.end}}},
  };
}

std::string toString(const llvm::json::Value &v, bool pretty) {
  std::string s;
  llvm::raw_string_ostream os(s);
  if (pretty)
    os << llvm::formatv("{0:2}", v);
  else
    os << v;
  os.flush();
  return s;
}

llvm::StringRef sarifLevel(Severity s) {
  switch (s) {
  case Severity::Error: return "error";
  case Severity::Warning: return "warning";
  case Severity::Note: return "note";
  }
  return "error";
}

llvm::json::Object sarifLocation(const SourceManager &sm, SourceRange r, llvm::StringRef message) {
  LineColumn b = sm.lineColumn(r.file, r.begin);
  LineColumn e = sm.lineColumn(r.file, r.end);
  llvm::json::Object loc{
      {"physicalLocation",
       llvm::json::Object{
           {"artifactLocation", llvm::json::Object{{"uri", sm.name(r.file)}}},
           {"region", llvm::json::Object{{"startLine", b.line},
                                         {"startColumn", b.column},
                                         {"endLine", e.line},
                                         {"endColumn", e.column}}}}}};
  if (!message.empty()) loc["message"] = llvm::json::Object{{"text", message}};
  return loc;
}

} // namespace

std::string renderJson(const SourceManager &sm, llvm::ArrayRef<Diagnostic> diags) {
  llvm::json::Array arr;
  for (const Diagnostic &d : diags) {
    llvm::json::Object o{{"code", d.code()},
                         {"kind", d.name()},
                         {"severity", severityName(d.severity)},
                         {"message", d.message}};
    if (d.range.valid()) o["range"] = rangeJson(sm, d.range);
    llvm::json::Array labels;
    for (const DiagLabel &l : d.labels)
      labels.push_back(llvm::json::Object{{"range", rangeJson(sm, l.range)}, {"message", l.message}});
    o["labels"] = std::move(labels);
    llvm::json::Array fixes;
    for (const FixIt &f : d.fixits)
      fixes.push_back(llvm::json::Object{{"range", rangeJson(sm, f.range)}, {"replacement", f.replacement}});
    o["fixits"] = std::move(fixes);
    llvm::json::Array notes;
    for (const std::string &n : d.notes) notes.push_back(n);
    o["notes"] = std::move(notes);
    arr.push_back(std::move(o));
  }
  return toString(llvm::json::Value(llvm::json::Object{{"diagnostics", std::move(arr)}}), true) + "\n";
}

std::string renderSarif(const SourceManager &sm, llvm::ArrayRef<Diagnostic> diags,
                        llvm::StringRef toolVersion) {
  llvm::json::Array rules;
  for (const DiagKindInfo &k : allDiagKinds())
    rules.push_back(llvm::json::Object{
        {"id", k.code},
        {"name", k.name},
        {"defaultConfiguration", llvm::json::Object{{"level", sarifLevel(k.severity)}}}});
  llvm::json::Array results;
  for (const Diagnostic &d : diags) {
    std::string text = d.message;
    for (const std::string &n : d.notes) text += "; " + n;
    llvm::json::Object r{{"ruleId", d.code()},
                         {"level", sarifLevel(d.severity)},
                         {"message", llvm::json::Object{{"text", text}}}};
    if (d.range.valid()) r["locations"] = llvm::json::Array{sarifLocation(sm, d.range, "")};
    llvm::json::Array related;
    for (const DiagLabel &l : d.labels) related.push_back(sarifLocation(sm, l.range, l.message));
    if (!related.empty()) r["relatedLocations"] = std::move(related);
    llvm::json::Array fixes;
    for (const FixIt &f : d.fixits) {
      LineColumn b = sm.lineColumn(f.range.file, f.range.begin);
      LineColumn e = sm.lineColumn(f.range.file, f.range.end);
      fixes.push_back(llvm::json::Object{
          {"description", llvm::json::Object{{"text", "replace with '" + f.replacement + "'"}}},
          {"artifactChanges",
           llvm::json::Array{llvm::json::Object{
               {"artifactLocation", llvm::json::Object{{"uri", sm.name(f.range.file)}}},
               {"replacements",
                llvm::json::Array{llvm::json::Object{
                    {"deletedRegion", llvm::json::Object{{"startLine", b.line},
                                                         {"startColumn", b.column},
                                                         {"endLine", e.line},
                                                         {"endColumn", e.column}}},
                    {"insertedContent", llvm::json::Object{{"text", f.replacement}}}}}}}}}});
    }
    if (!fixes.empty()) r["fixes"] = std::move(fixes);
    results.push_back(std::move(r));
  }
  llvm::json::Object sarif{
      {"$schema", "https://json.schemastore.org/sarif-2.1.0.json"},
      {"version", "2.1.0"},
      {"runs",
       llvm::json::Array{llvm::json::Object{
           {"tool", llvm::json::Object{{"driver", llvm::json::Object{{"name", "rig"},
                                                                     {"version", toolVersion},
                                                                     {"rules", std::move(rules)}}}}},
           {"results", std::move(results)}}}}};
  return toString(llvm::json::Value(std::move(sarif)), true) + "\n";
}

} // namespace rig
