// Writes one YAML document as it is described, with no tree in between:
// the workload documents of a build, which are most of its output. The
// calls mirror building a Node (set a scalar, open a map or sequence, close
// it), and the text is byte-identical to writeYaml of that Node; what the
// tree gave for free, dropping a container that stayed empty
// (setIfNotEmpty), is done by writing a container's first line only when
// its first entry arrives.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "compiler/emit/k8s/document.h"
#include "compiler/emit/k8s/yaml_text.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

namespace rig::emit {

// A map key. Written as a literal (a field name of the API) it is checked
// when rig is compiled (a lower-case letter, then letters and digits, and
// not one of YAML 1.1's words such as `on` or `no`) and printed as is: no
// scan at run time. A key that comes from the model (a label, an
// annotation, a resource name) is passed as Key::text(s) and is quoted
// when a YAML reader would take it for something else.
class Key {
public:
  constexpr Key() = default; // a sequence item's: no key
  template <size_t N> consteval Key(const char (&s)[N]) : text_(s, N - 1), checked_(true) {
    if (!isFieldName(s, N - 1)) throw "not a plain field name: pass Key::text(...)"; // a compile error
  }
  static Key text(llvm::StringRef s) {
    Key k;
    k.text_ = s;
    k.checked_ = false;
    return k;
  }
  llvm::StringRef str() const { return text_; }
  // Whether it was checked to need no quoting.
  bool checked() const { return checked_; }

private:
  static consteval bool isFieldName(const char *s, size_t n) { return isPlainFieldName(std::string_view(s, n)); }

  llvm::StringRef text_;
  bool checked_ = true;
};

// A scalar value written as a literal that YAML reads back as the same
// string, checked when rig is compiled (a letter, then letters, digits, `/`,
// `.` and `-`, and not one of YAML 1.1's words): `Always`, `apps/v1`.
// `True` is refused (a YAML 1.1 boolean): such values go through str().
class Word {
public:
  template <size_t N> consteval Word(const char (&s)[N]) : text_(s, N - 1) {
    if (!isPlainWord(s, N - 1)) throw "not a plain word: use str()"; // a compile error
  }
  llvm::StringRef str() const { return text_; }

private:
  static consteval bool isPlainWord(const char *s, size_t n) {
    auto letter = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
    if (n == 0 || !letter(s[0])) return false;
    for (size_t i = 0; i < n; ++i)
      if (!(letter(s[i]) || (s[i] >= '0' && s[i] <= '9') || s[i] == '/' || s[i] == '.' || s[i] == '-')) return false;
    for (std::string_view w : {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE",
                               "false", "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF", "null", "Null", "NULL"})
      if (std::string_view(s, n) == w) return false;
    return true;
  }
  llvm::StringRef text_;
};

class YamlStream {
public:
  // Appends to `out`; the document is a map (the object), ended by end().
  // Until that last end(), `out` holds scratch bytes past the text (see
  // below): nothing else may touch it meanwhile.
  explicit YamlStream(std::string &out);
  ~YamlStream();
  YamlStream(const YamlStream &) = delete;
  YamlStream &operator=(const YamlStream &) = delete;

  // In a map, `key` names the entry; in a sequence it is ignored (pass Key()).
  void str(Key key, llvm::StringRef value);
  // A value known to be written plain: a Word, or a string the caller
  // checked with isPlainYamlSafe (and may write many times).
  void word(Key key, Word value) { plain(key, value.str()); }
  void plain(Key key, llvm::StringRef value);
  void integer(Key key, int64_t value);
  void boolean(Key key, bool value);
  // Opens a map or sequence; the calls up to the matching end() fill it.
  // `omitIfEmpty`: nothing at all is written when it gets no entry (else
  // it is written `{}` / `[]`).
  void beginMap(Key key, bool omitIfEmpty = false);
  void beginList(Key key, bool omitIfEmpty = false);
  // Closes the innermost open map or sequence; the last end() closes the
  // document.
  void end();
  // A subtree built elsewhere (the feature emitters' parts).
  void node(Key key, const Node &value, bool omitIfEmpty = false);

  // Whether every opened container, the document included, was closed.
  bool finished() const { return frames_.empty(); }

private:
  struct Frame {
    bool list;
    bool opened;      // its first line is written
    bool omitIfEmpty;
    bool firstInline; // a map that is a sequence item: its first entry follows the `- `
    int indent;       // of its entries (a sequence's items sit at its key's indent)
    size_t count;     // entries written
    Key key;
  };
  void push(bool list, Key key, bool omitIfEmpty);
  // Writes the first lines of the open containers that have none yet.
  void open() {
    if (!frames_.back().opened) openPending();
  }
  void openPending();
  // Writes the start of a new entry of `parent`: indent, then `key` or `- `.
  // (This and the two below run once per line written, from several
  // callers each: inlined, a build of 1,000 workloads took 1.7% fewer
  // instructions in all.)
  [[gnu::always_inline]] inline void entry(const Frame &parent, Key key);
  // Opens what is pending and starts a new entry of the innermost
  // container, which it returns (the value follows `key` or `- `).
  [[gnu::always_inline]] inline Frame &newEntry(Key key);
  // newEntry, then `: ` in a map: a scalar value follows.
  [[gnu::always_inline]] inline void startEntry(Key key);

  // The text goes into out_'s buffer through a cursor: out_ is sized ahead
  // of the text by up to kAhead bytes and cut back to it when the document
  // ends. std::string's own append checks the capacity, stores the length
  // and terminates the string at every piece, several times per line; most
  // of what a line cost.
  static constexpr size_t kAhead = 1024;
  // Room for n more bytes at the cursor.
  void reserve(size_t n) {
    if (static_cast<size_t>(lim_ - cur_) < n) grow(n);
  }
  void grow(size_t n);
  // Unchecked writes: after reserve().
  void put(const char *s, size_t n) {
    std::memcpy(cur_, s, n);
    cur_ += n;
  }
  void put(llvm::StringRef s) { put(s.data(), s.size()); }
  void put(char c) { *cur_++ = c; }
  void putIndent(int n);
  // out_ cut back to the text (the cursor is then void).
  void settle();
  // Writing through out_ itself: the writers shared with the tree writer,
  // for what is not on the common path (quoted and block scalars, keys
  // that need a look, subtrees).
  template <class F> void viaString(F write) {
    settle();
    write(out_);
    grow(0);
  }

  std::string &out_;
  char *cur_ = nullptr;
  char *lim_ = nullptr;
  llvm::SmallVector<Frame, 12> frames_;
};

} // namespace rig::emit
