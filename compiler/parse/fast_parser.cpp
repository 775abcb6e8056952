// Placeholder: always defers to the ANTLR parser until the fast parser lands.
#include "compiler/parse/fast_parser.h"

namespace rig {

std::optional<ast::File> fastParse(const SourceManager &, FileId) { return std::nullopt; }

} // namespace rig
