#include "compiler/emit/k8s/yaml_stream.h"

#include "compiler/emit/k8s/yaml_text.h"

#include <cassert>

namespace rig::emit {

YamlStream::YamlStream(std::string &out) : out_(out) {
  frames_.push_back(Frame{false, true, false, false, 0, 0, Key()});
}

void YamlStream::push(bool list, Key key, bool omitIfEmpty) {
  const Frame &p = frames_.back();
  // A map's entries sit two deeper than its key or `- `; a sequence's items
  // at its key's indent (kubectl's style), or two deeper when the sequence
  // is itself an item.
  int indent = list && !p.list ? p.indent : p.indent + 2;
  frames_.push_back(Frame{list, false, omitIfEmpty, !list && p.list, indent, 0, key});
}

void YamlStream::entry(const Frame &parent, Key key) {
  if (parent.list) {
    writeYamlIndent(parent.indent, out_);
    out_ += "- ";
    return;
  }
  if (parent.count != 0 || !parent.firstInline) writeYamlIndent(parent.indent, out_);
  if (key.checked()) out_ += key.str();
  else writeYamlKey(key.str(), out_);
}

void YamlStream::openPending() {
  size_t i = frames_.size();
  while (i > 0 && !frames_[i - 1].opened) --i;
  for (; i < frames_.size(); ++i) {
    Frame &parent = frames_[i - 1];
    Frame &f = frames_[i];
    entry(parent, f.key);
    ++parent.count;
    if (!parent.list) out_ += ":\n";
    else if (f.list) out_ += '\n';
    f.opened = true;
  }
}

YamlStream::Frame &YamlStream::newEntry(Key key) {
  open();
  Frame &top = frames_.back();
  entry(top, key);
  ++top.count;
  return top;
}

void YamlStream::startEntry(Key key) {
  if (!newEntry(key).list) out_ += ": ";
}

void YamlStream::str(Key key, llvm::StringRef value) {
  startEntry(key);
  writeYamlString(value, frames_.back().indent + 2, out_);
}

void YamlStream::plain(Key key, llvm::StringRef value) {
  assert(isPlainYamlSafe(value));
  startEntry(key);
  out_ += value;
  out_ += '\n';
}

void YamlStream::integer(Key key, int64_t value) {
  startEntry(key);
  writeYamlInt(value, out_);
  out_ += '\n';
}

void YamlStream::boolean(Key key, bool value) {
  startEntry(key);
  out_ += value ? "true\n" : "false\n";
}

void YamlStream::beginMap(Key key, bool omitIfEmpty) { push(false, key, omitIfEmpty); }
void YamlStream::beginList(Key key, bool omitIfEmpty) { push(true, key, omitIfEmpty); }

void YamlStream::end() {
  Frame f = frames_.pop_back_val();
  if (frames_.empty()) {
    if (f.count == 0) out_ += "{}\n"; // an empty document
    return;
  }
  if (f.opened || f.omitIfEmpty) return;
  startEntry(f.key);
  out_ += f.list ? "[]\n" : "{}\n";
}

void YamlStream::node(Key key, const Node &value, bool omitIfEmpty) {
  if (omitIfEmpty && value.isEmptyContainer()) return;
  Frame &top = newEntry(key);
  if (top.list) writeYamlItemValue(value, top.indent, out_);
  else writeYamlEntryValue(value, top.indent, out_);
}

} // namespace rig::emit
