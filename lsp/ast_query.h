// AST queries for editor features: which block the cursor is in, what a
// keyword or field there means, what may be written there and the outline
// (names and what they refer to: lsp/symbols.h). Works on compiler types and byte offsets only;
// the server converts the answers to LSP.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "compiler/ast/ast.h"
#include "compiler/check/schema.h"
#include "compiler/model/model.h"

namespace rig::lsp {

struct BlockContext {
  sema::BlockKind kind = sema::BlockKind::File;
  bool known = true;              // false inside a block the schema does not describe
  const ast::Item *item = nullptr; // the innermost item at the cursor in that block, if any
  const ast::Declaration *workload = nullptr; // the workload around the cursor, if any
};

// The innermost block whose braces enclose `offset`.
BlockContext blockAt(const ast::File &file, uint32_t offset);

// The block a `keyword { … }` child of `parent` opens, if the schema knows it.
std::optional<sema::BlockKind> childBlock(sema::BlockKind parent, llvm::StringRef keyword);

struct HoverInfo {
  std::string markdown;
  SourceRange range;
};
std::optional<HoverInfo> hoverAt(const ast::File &file, const model::Program *program, uint32_t offset);

struct CompletionEntry {
  enum class Kind { Keyword, Field, Name } kind = Kind::Keyword;
  std::string label, detail, doc, insertText;
};
// `text` is the file's text: after `after`, `mount` or a failure rule's `in`
// only the enclosing workload's container or volume names fit.
std::vector<CompletionEntry> completionsAt(const ast::File &file, llvm::StringRef text, uint32_t offset);

struct OutlineSymbol {
  enum class Kind { Workload, Container, Template, Let, Import, Block, Field } kind = Kind::Block;
  std::string name, detail;
  SourceRange range, selection;
  std::vector<OutlineSymbol> children;
};
std::vector<OutlineSymbol> outline(const ast::File &file);

} // namespace rig::lsp
