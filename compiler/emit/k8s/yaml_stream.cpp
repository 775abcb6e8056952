#include "compiler/emit/k8s/yaml_stream.h"

#include "compiler/emit/k8s/yaml_text.h"

#include <algorithm>
#include <cassert>

namespace rig::emit {

YamlStream::YamlStream(std::string &out) : out_(out) {
  frames_.push_back(Frame{false, true, false, false, 0, 0, Key()});
  grow(0);
}

YamlStream::~YamlStream() {
  if (cur_) settle();
}

void YamlStream::settle() {
  out_.resize(static_cast<size_t>(cur_ - out_.data()));
  cur_ = lim_ = nullptr;
}

void YamlStream::grow(size_t n) {
  size_t used = cur_ ? static_cast<size_t>(cur_ - out_.data()) : out_.size();
  // kAhead more bytes while the capacity lasts (resize zero-fills what it
  // adds, so not all of a large reserved buffer at once: every document
  // would fill it again), then the doubling of any string.
  size_t want = used + std::max(n, kAhead);
  out_.resize(want <= out_.capacity() ? want : std::max(want, out_.capacity() * 2));
  cur_ = out_.data() + used;
  lim_ = out_.data() + out_.size();
}

void YamlStream::putIndent(int n) {
  for (; n > kYamlSpacesLength; n -= kYamlSpacesLength) put(kYamlSpaces, kYamlSpacesLength);
  put(kYamlSpaces, static_cast<size_t>(n));
}

void YamlStream::push(bool list, Key key, bool omitIfEmpty) {
  const Frame &p = frames_.back();
  // A map's entries sit two deeper than its key or `- `; a sequence's items
  // at its key's indent (kubectl's style), or two deeper when the sequence
  // is itself an item.
  int indent = list && !p.list ? p.indent : p.indent + 2;
  frames_.push_back(Frame{list, false, omitIfEmpty, !list && p.list, indent, 0, key});
}

// Leaves room for two more bytes (`: ` or `:\n`), which its callers write.
void YamlStream::entry(const Frame &parent, Key key) {
  size_t indent = static_cast<size_t>(parent.indent);
  if (parent.list) {
    reserve(indent + 4);
    putIndent(parent.indent);
    put("- ", 2);
    return;
  }
  if (parent.count == 0 && parent.firstInline) indent = 0;
  llvm::StringRef k = key.str();
  if (key.checked() || isPlainYamlKey(k)) {
    reserve(indent + k.size() + 2);
    putIndent(static_cast<int>(indent));
    put(k);
    return;
  }
  reserve(indent);
  putIndent(static_cast<int>(indent));
  viaString([&](std::string &out) { writeYamlKey(k, out); });
  reserve(2);
}

void YamlStream::openPending() {
  size_t i = frames_.size();
  while (i > 0 && !frames_[i - 1].opened) --i;
  for (; i < frames_.size(); ++i) {
    Frame &parent = frames_[i - 1];
    Frame &f = frames_[i];
    entry(parent, f.key);
    ++parent.count;
    if (!parent.list) put(":\n", 2);
    else if (f.list) put('\n');
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
  if (!newEntry(key).list) put(": ", 2);
}

void YamlStream::str(Key key, llvm::StringRef value) {
  startEntry(key);
  if (isPlainYamlSafe(value)) {
    reserve(value.size() + 1);
    put(value);
    put('\n');
    return;
  }
  int blockIndent = frames_.back().indent + 2;
  viaString([&](std::string &out) { writeYamlString(value, blockIndent, out); });
}

void YamlStream::plain(Key key, llvm::StringRef value) {
  assert(isPlainYamlSafe(value));
  startEntry(key);
  reserve(value.size() + 1);
  put(value);
  put('\n');
}

void YamlStream::integer(Key key, int64_t value) {
  startEntry(key);
  char buf[24];
  char *end = buf + sizeof buf, *p = formatYamlInt(value, buf);
  reserve(static_cast<size_t>(end - p) + 1);
  put(p, static_cast<size_t>(end - p));
  put('\n');
}

void YamlStream::boolean(Key key, bool value) {
  startEntry(key);
  reserve(6);
  if (value) put("true\n", 5);
  else put("false\n", 6);
}

void YamlStream::beginMap(Key key, bool omitIfEmpty) { push(false, key, omitIfEmpty); }
void YamlStream::beginList(Key key, bool omitIfEmpty) { push(true, key, omitIfEmpty); }

void YamlStream::end() {
  Frame f = frames_.pop_back_val();
  if (frames_.empty()) {
    if (f.count == 0) { // an empty document
      reserve(3);
      put("{}\n", 3);
    }
    settle();
    return;
  }
  if (f.opened || f.omitIfEmpty) return;
  startEntry(f.key);
  reserve(3);
  put(f.list ? "[]\n" : "{}\n", 3);
}

void YamlStream::node(Key key, const Node &value, bool omitIfEmpty) {
  if (omitIfEmpty && value.isEmptyContainer()) return;
  Frame &top = newEntry(key);
  bool list = top.list;
  int indent = top.indent;
  viaString([&](std::string &out) {
    if (list) writeYamlItemValue(value, indent, out);
    else writeYamlEntryValue(value, indent, out);
  });
}

} // namespace rig::emit
