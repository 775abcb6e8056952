// Semantic tokens (`textDocument/semanticTokens/full`): what each name,
// keyword, literal, comment and operator of a document is, taken from the
// parser's tree (item and expression ranges, comments) and the symbol index
// (what a name declares or refers to) — there is no second lexer. The
// answer is LSP's relative encoding with UTF-16 columns; tokens that span
// lines (text blocks, block comments) are split per line.
#pragma once

#include <cstdint>
#include <vector>

#include "llvm/Support/JSON.h"
#include "lsp/symbols.h"

namespace rig::lsp {

// The legend announced in `initialize` (tokenTypes, tokenModifiers).
llvm::json::Object semanticTokensLegend();

// The encoded token data of `file` in `c`.
std::vector<uint32_t> semanticTokens(const Compilation &c, FileId file, const SymbolIndex &index);

} // namespace rig::lsp
