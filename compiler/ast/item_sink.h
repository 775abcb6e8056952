// A receiver of a file's top-level items as the parser makes them. The
// parse of a large file in parts hands each item over on the thread that
// parsed it, right after parsing it; the driver uses this to check the
// workloads of plain files while the rest of the file is still being
// parsed, and to free each one's syntax as soon as it is checked (see
// CompileOptions::dropCheckedSyntax). Parse knows only this interface; the
// check phase implements it.
#pragma once

#include <cstddef>

#include "compiler/ast/ast.h"
#include "llvm/ADT/StringRef.h"

namespace rig::ast {

class ItemSink {
public:
  virtual ~ItemSink() = default;
  // Whether the sink wants this file's items at all, asked of the text of
  // each part just before the part is parsed (concurrently, on the thread
  // that parses it). A part's items are handed over when every part asked
  // so far was accepted; once one is declined, no other part is asked, the
  // file ends with endFile(kept = false), and the parts already handed
  // over are parsed again without the sink.
  virtual bool acceptsText(llvm::StringRef partText) const = 0;
  // The file is about to be parsed: `parts` parts, `bytes` of text, by
  // `threads` threads. Each thread takes the next part not yet taken
  // whenever it is free, so which thread parses a part, and in what order
  // the parts start, is up to the machine. Called once, before any part.
  virtual void beginFile(FileId file, size_t parts, size_t threads, size_t bytes) = 0;
  // Thread `thread` starts part `part`; then come the part's items, in
  // order, all on that thread, and endPart. Different parts run
  // concurrently.
  virtual void beginPart(size_t thread, size_t part) = 0;
  // A top-level item of the thread's current part, just parsed. The sink
  // may release what it no longer needs of the item (a body).
  virtual void item(size_t thread, size_t part, Item &item) = 0;
  // Whether item() will drop this top-level declaration's value and body
  // (asked once its keyword and words are parsed, before its value and
  // body are). When it will, the parser builds them in scratch memory
  // (base/scratch.h), and item() must release them, not destroy them, when
  // scratch::owns them; the parser reuses that memory for the next item.
  virtual bool dropsBody(const Declaration &header) const {
    (void)header;
    return false;
  }
  // The part parsed to its end (not called for a part that failed: the
  // whole file is then abandoned, see endFile).
  virtual void endPart(size_t thread, size_t part) = 0;
  // After the parts: `kept` is false when a part was declined, or the parse
  // was abandoned (a syntax error) and the file is parsed again another
  // way; either makes everything taken from this pass void.
  virtual void endFile(FileId file, bool kept) = 0;
};

} // namespace rig::ast
