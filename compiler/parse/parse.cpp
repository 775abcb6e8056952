// The one file that includes ANTLR-generated headers. It lexes, parses (fast
// SLL first, full LL with error recovery only when that fails), and builds
// our own AST with one function per grammar rule. ANTLR exceptions stop here.
#include "compiler/parse/parse.h"

#include <array>

#include "compiler/parse/fast_parser.h"
#include "compiler/parse/nesting.h"

#include <algorithm>
#include <mutex>

#include "RigLexer.h"
#include "RigParser.h"
#include "antlr4-runtime.h"

namespace rig {

using rig_antlr::RigLexer;
using rig_antlr::RigParser;
using P = RigParser;

namespace {

// ANTLR counts code points; diagnostics and the LSP need byte offsets.
class OffsetMap {
public:
  OffsetMap(llvm::StringRef text, uint32_t base) : base_(base) {
    bool ascii = std::all_of(text.begin(), text.end(), [](char c) { return (unsigned char)c < 0x80; });
    if (ascii) return;
    for (uint32_t i = 0; i < text.size(); ++i)
      if (((unsigned char)text[i] & 0xC0) != 0x80) byteOf_.push_back(i);
    byteOf_.push_back(static_cast<uint32_t>(text.size()));
  }
  uint32_t byteOffset(size_t codePoint) const {
    if (byteOf_.empty()) return base_ + static_cast<uint32_t>(codePoint);
    codePoint = std::min(codePoint, byteOf_.size() - 1);
    return base_ + byteOf_[codePoint];
  }

private:
  uint32_t base_;
  std::vector<uint32_t> byteOf_;
};

struct TooManyErrors {};

std::string tokenDisplay(antlr4::Token *t, llvm::StringRef eofName) {
  if (!t) return "input";
  switch (t->getType()) {
  case antlr4::Token::EOF: return eofName.str();
  case RigLexer::NL: return "newline";
  case RigLexer::STRING: return "string";
  case RigLexer::NUMBER: return "`" + t->getText() + "`";
  case RigLexer::IDENT: return "`" + t->getText() + "`";
  default: break;
  }
  std::string text = t->getText();
  if (text.size() > 24) text = text.substr(0, 24) + "…";
  return "`" + text + "`";
}

std::string expectedDisplay(const antlr4::misc::IntervalSet &set, const antlr4::dfa::Vocabulary &vocab,
                            llvm::StringRef eofName) {
  std::vector<std::string> names;
  for (size_t t : set.toList()) {
    if (t == antlr4::Token::EOF) { names.push_back(eofName.str()); continue; }
    if (t == RigLexer::NL) { names.push_back("newline"); continue; }
    if (t == RigLexer::IDENT) { names.push_back("a name"); continue; }
    if (t == RigLexer::STRING) { names.push_back("a string"); continue; }
    if (t == RigLexer::NUMBER) { names.push_back("a number"); continue; }
    std::string lit = vocab.getLiteralName(t);
    if (lit.size() >= 2 && lit.front() == '\'') lit = "`" + lit.substr(1, lit.size() - 2) + "`";
    if (!lit.empty()) names.push_back(lit);
  }
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  if (names.empty() || names.size() > 6) return "";
  std::string s;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i) s += i + 1 == names.size() ? " or " : ", ";
    s += names[i];
  }
  return s;
}

// Turns ANTLR's syntax errors into rig diagnostics with byte ranges.
class ErrorCollector : public antlr4::BaseErrorListener {
public:
  // `eofName` is what the end of the input is called: the end of the file,
  // or the closing brace of a `${…}` interpolation parsed on its own.
  ErrorCollector(FileId file, const OffsetMap &map, Diagnostics &diags, unsigned max,
                 llvm::StringRef eofName = "end of file")
      : file_(file), map_(map), diags_(diags), max_(max), eofName_(eofName) {}

  void syntaxError(antlr4::Recognizer *recognizer, antlr4::Token *offending, size_t, size_t,
                   const std::string &, std::exception_ptr) override {
    auto *parser = dynamic_cast<antlr4::Parser *>(recognizer);
    SourceRange range{file_, 0, 0};
    if (offending) {
      range.begin = map_.byteOffset(offending->getStartIndex());
      range.end = offending->getType() == antlr4::Token::EOF ? range.begin
                                                             : map_.byteOffset(offending->getStopIndex() + 1);
      // A newline token is reported at the end of the line it closes.
      if (offending->getType() == RigLexer::NL) range.end = range.begin + 1;
    }
    std::string msg = "unexpected " + tokenDisplay(offending, eofName_);
    if (parser) {
      std::string expected = expectedDisplay(parser->getExpectedTokens(), recognizer->getVocabulary(), eofName_);
      if (!expected.empty()) msg += "; expected " + expected;
    }
    // ANTLR may report the same token twice while recovering; once is enough.
    if (range.begin == lastOffset_ && count_ > 0) return;
    lastOffset_ = range.begin;
    diags_.report(DiagKind::SyntaxError, range, msg);
    if (++count_ >= max_) {
      diags_.report(DiagKind::TooManySyntaxErrors, range, count_);
      throw TooManyErrors{};
    }
  }
  unsigned count() const { return count_; }

private:
  FileId file_;
  const OffsetMap &map_;
  Diagnostics &diags_;
  unsigned max_;
  unsigned count_ = 0;
  uint32_t lastOffset_ = ~0u;
  llvm::StringRef eofName_;
};

// Builds the AST from a parse tree: one function per grammar rule.
class Builder {
public:
  Builder(FileId file, const OffsetMap &map, Diagnostics &diags, const ParseOptions &opts)
      : file_(file), map_(map), diags_(diags), opts_(opts) {}

  SourceRange range(antlr4::Token *start, antlr4::Token *stop) const {
    if (!start) return {file_, 0, 0};
    uint32_t b = map_.byteOffset(start->getStartIndex());
    uint32_t e = b;
    if (stop && stop->getType() != antlr4::Token::EOF && stop->getStopIndex() + 1 >= start->getStartIndex())
      e = map_.byteOffset(stop->getStopIndex() + 1);
    if (e < b) e = b;
    return {file_, b, e};
  }
  SourceRange range(antlr4::ParserRuleContext *ctx) const { return range(ctx->getStart(), ctx->getStop()); }
  SourceRange range(antlr4::tree::TerminalNode *n) const { return range(n->getSymbol(), n->getSymbol()); }
  ast::Ident ident(antlr4::tree::TerminalNode *n) const {
    if (!n) return {};
    return {n->getText(), range(n)};
  }

  void items(const std::vector<P::ItemContext *> &ctxs, std::vector<ast::ItemPtr> &out) {
    out.reserve(out.size() + ctxs.size());
    for (P::ItemContext *c : ctxs)
      if (ast::ItemPtr it = item(c)) out.push_back(std::move(it));
  }

  ast::ItemPtr item(P::ItemContext *c) {
    if (c->exception || !c->getStart()) return nullptr;
    if (auto *x = c->declaration()) return declaration(x);
    if (auto *x = c->attribute()) return attribute(x);
    if (auto *x = c->importDecl()) return importDecl(x);
    if (auto *x = c->letDecl()) return letDecl(x);
    if (auto *x = c->templateDecl()) return templateDecl(x);
    if (auto *x = c->forItem()) return forItem(x);
    if (auto *x = c->ifItem()) return ifItem(x);
    if (auto *x = c->failureRule()) return failureRule(x);
    return nullptr;
  }

  std::unique_ptr<ast::Body> body(P::BodyContext *c) {
    if (!c) return nullptr;
    auto b = std::make_unique<ast::Body>();
    b->range = range(c);
    items(c->item(), b->items);
    return b;
  }

  ast::ItemPtr importDecl(P::ImportDeclContext *c) {
    auto d = std::make_unique<ast::ImportDecl>(range(c));
    if (auto *s = c->STRING()) {
      d->pathRange = range(s);
      d->path = cook(s);
    }
    if (c->IDENT()) d->alias = ident(c->IDENT());
    return d;
  }

  std::unique_ptr<ast::TypeRef> typeRef(P::TypeRefContext *c) {
    if (!c) return nullptr;
    auto t = std::make_unique<ast::TypeRef>();
    t->name = ident(c->IDENT());
    t->range = range(c);
    if (c->typeRef()) t->element = typeRef(c->typeRef());
    return t;
  }

  ast::ItemPtr letDecl(P::LetDeclContext *c) {
    auto d = std::make_unique<ast::LetDecl>(range(c));
    d->name = ident(c->IDENT());
    d->type = typeRef(c->typeRef());
    d->value = expr(c->expr());
    return d;
  }

  ast::ItemPtr templateDecl(P::TemplateDeclContext *c) {
    auto d = std::make_unique<ast::TemplateDecl>(range(c));
    auto ids = c->IDENT();
    if (!ids.empty()) d->name = ident(ids[0]);
    if (ids.size() > 1) d->resultKind = ident(ids[1]);
    for (P::ParamContext *p : c->param()) {
      ast::Param param;
      param.name = ident(p->IDENT());
      if (auto t = typeRef(p->typeRef())) param.type = std::move(*t);
      if (p->expr()) param.defaultValue = expr(p->expr());
      d->params.push_back(std::move(param));
    }
    d->body = body(c->body());
    return d;
  }

  ast::ItemPtr forItem(P::ForItemContext *c) {
    auto d = std::make_unique<ast::ForItem>(range(c));
    auto ids = c->IDENT();
    if (!ids.empty()) d->var = ident(ids[0]);
    if (ids.size() > 1) d->secondVar = ident(ids[1]);
    d->iterable = expr(c->expr());
    d->body = body(c->body());
    return d;
  }

  ast::ItemPtr ifItem(P::IfItemContext *c) {
    auto d = std::make_unique<ast::IfItem>(range(c));
    d->cond = expr(c->expr());
    auto bodies = c->body();
    if (!bodies.empty()) d->then = body(bodies[0]);
    if (c->ifItem()) d->elseIf = ifItem(c->ifItem());
    else if (bodies.size() > 1) d->otherwise = body(bodies[1]);
    return d;
  }

  ast::ItemPtr failureRule(P::FailureRuleContext *c) {
    auto d = std::make_unique<ast::FailureRule>(range(c));
    d->action = ident(c->IDENT());
    if (auto *m = dynamic_cast<P::ExitMatchContext *>(c->ruleMatch())) {
      d->match = ast::FailureRule::Match::Exit;
      d->notIn = m->KW_NOT() != nullptr;
      if (m->valueSet())
        for (P::ValueElemContext *v : m->valueSet()->valueElem()) {
          auto nums = v->NUMBER();
          ast::ExitValue ev;
          ev.range = range(v);
          if (!nums.empty()) ev.lo = nums[0]->getText();
          if (nums.size() > 1) ev.hi = nums[1]->getText();
          d->values.push_back(std::move(ev));
        }
      // IDENTs before `and` name the container, after it the conditions.
      bool afterAnd = false;
      for (antlr4::tree::ParseTree *child : m->children) {
        auto *t = dynamic_cast<antlr4::tree::TerminalNode *>(child);
        if (!t) continue;
        if (t->getSymbol()->getType() == P::KW_AND) afterAnd = true;
        else if (t->getSymbol()->getType() == P::IDENT) {
          if (afterAnd) d->conditions.push_back(ident(t));
          else d->container = ident(t);
        }
      }
    } else if (auto *m = dynamic_cast<P::ConditionMatchContext *>(c->ruleMatch())) {
      d->match = ast::FailureRule::Match::Condition;
      for (auto *id : m->IDENT()) d->conditions.push_back(ident(id));
    }
    return d;
  }

  ast::ItemPtr attribute(P::AttributeContext *c) {
    auto d = std::make_unique<ast::Attribute>(range(c));
    for (auto *id : c->IDENT()) d->path.push_back(ident(id));
    if (auto *s = c->STRING()) {
      d->path.push_back({cook(s), range(s)});
      d->quotedKey = true;
    }
    d->value = expr(c->expr());
    return d;
  }

  ast::ItemPtr declaration(P::DeclarationContext *c) {
    auto d = std::make_unique<ast::Declaration>(range(c));
    d->keyword = ident(c->IDENT());
    if (auto *ws = c->words())
      for (P::WordGroupContext *g : ws->wordGroup()) {
        ast::WordGroup group;
        for (P::WordContext *w : g->word()) group.push_back(word(w));
        d->words.push_back(std::move(group));
      }
    if (auto *a = c->afterClause())
      for (auto *id : a->IDENT()) d->after.push_back(ident(id));
    if (c->expr()) d->value = expr(c->expr());
    d->body = body(c->body());
    return d;
  }

  ast::Word word(P::WordContext *c) {
    ast::Word w;
    w.range = range(c);
    if (auto *s = c->STRING()) {
      w.kind = ast::Word::Kind::String;
      w.text = cook(s);
    } else if (auto *n = c->NUMBER()) {
      w.kind = ast::Word::Kind::Number;
      w.text = (c->MINUS() ? "-" : "") + n->getText();
    } else {
      w.kind = ast::Word::Kind::Name;
      for (auto *id : c->IDENT()) {
        if (!w.text.empty()) w.text += '.';
        w.text += id->getText();
      }
      if (c->expr()) w.index = expr(c->expr());
    }
    return w;
  }

  ast::ExprPtr expr(P::ExprContext *c) {
    if (!c || c->exception || !c->getStart()) return std::make_unique<ast::ErrorExpr>(c ? range(c) : SourceRange{file_, 0, 0});
    SourceRange r = range(c);
    if (auto *x = dynamic_cast<P::PrimaryExprContext *>(c)) return primary(x->primary());
    if (auto *x = dynamic_cast<P::MemberExprContext *>(c))
      return std::make_unique<ast::MemberExpr>(r, expr(x->expr()), ident(x->IDENT()));
    if (auto *x = dynamic_cast<P::CallExprContext *>(c)) {
      auto call = std::make_unique<ast::CallExpr>(r, expr(x->expr()));
      for (P::ArgumentContext *a : x->argument()) {
        ast::Argument arg;
        if (a->IDENT()) arg.name = ident(a->IDENT());
        arg.value = expr(a->expr());
        call->args.push_back(std::move(arg));
      }
      return call;
    }
    if (auto *x = dynamic_cast<P::IndexExprContext *>(c))
      return std::make_unique<ast::IndexExpr>(r, expr(x->expr(0)), expr(x->expr(1)));
    if (auto *x = dynamic_cast<P::UnaryExprContext *>(c)) {
      std::string op = x->op ? x->op->getText() : "-";
      if (op == "not") op = "!";
      return std::make_unique<ast::UnaryExpr>(r, op, expr(x->expr()));
    }
    if (auto *x = dynamic_cast<P::BinaryExprContext *>(c)) {
      std::string op = x->op ? x->op->getText() : "?";
      if (op == "and") op = "&&";
      if (op == "or") op = "||";
      return std::make_unique<ast::BinaryExpr>(r, op, expr(x->expr(0)), expr(x->expr(1)));
    }
    if (auto *x = dynamic_cast<P::RangeExprContext *>(c))
      return std::make_unique<ast::RangeExpr>(r, expr(x->expr(0)), expr(x->expr(1)));
    if (auto *x = dynamic_cast<P::ConditionalExprContext *>(c))
      return std::make_unique<ast::ConditionalExpr>(r, expr(x->expr(0)), expr(x->expr(1)), expr(x->expr(2)));
    return std::make_unique<ast::ErrorExpr>(r);
  }

  ast::ExprPtr primary(P::PrimaryContext *c) {
    if (!c || c->exception || !c->getStart()) return std::make_unique<ast::ErrorExpr>(c ? range(c) : SourceRange{file_, 0, 0});
    SourceRange r = range(c);
    if (dynamic_cast<P::NumberLitContext *>(c)) return std::make_unique<ast::NumberExpr>(r, c->getText());
    if (auto *x = dynamic_cast<P::StringLitContext *>(c)) return stringExpr(x->STRING() ? x->STRING() : x->TEXT_BLOCK());
    if (auto *x = dynamic_cast<P::BoolLitContext *>(c)) return std::make_unique<ast::BoolExpr>(r, x->KW_TRUE() != nullptr);
    if (dynamic_cast<P::NullLitContext *>(c)) return std::make_unique<ast::NullExpr>(r);
    if (auto *x = dynamic_cast<P::NameRefContext *>(c)) return std::make_unique<ast::NameExpr>(r, x->IDENT()->getText());
    if (auto *x = dynamic_cast<P::ParenExprContext *>(c)) return expr(x->expr());
    if (auto *x = dynamic_cast<P::ListLitContext *>(c)) {
      auto list = std::make_unique<ast::ListExpr>(r);
      for (P::ExprContext *e : x->expr()) list->elements.push_back(expr(e));
      return list;
    }
    if (auto *x = dynamic_cast<P::MapLitContext *>(c)) {
      auto map = std::make_unique<ast::MapExpr>(r);
      for (P::MapEntryContext *e : x->mapEntry()) {
        ast::MapEntry entry;
        if (e->IDENT()) entry.key = ident(e->IDENT());
        else if (e->STRING()) entry.key = {cook(e->STRING()), range(e->STRING())};
        entry.value = expr(e->expr());
        map->entries.push_back(std::move(entry));
      }
      return map;
    }
    return std::make_unique<ast::ErrorExpr>(r);
  }

  std::string cook(antlr4::tree::TerminalNode *s) {
    std::string raw = s->getText();
    llvm::StringRef inner = llvm::StringRef(raw).drop_front().drop_back();
    SourceRange r = range(s);
    return cookString(inner, SourceRange{r.file, r.begin + 1, r.end - 1}, diags_);
  }

  // Splits a string literal into text and ${…} interpolations; each
  // interpolation is parsed as an expression with its own offsets.
  ast::ExprPtr stringExpr(antlr4::tree::TerminalNode *s);

private:
  FileId file_;
  const OffsetMap &map_;
  Diagnostics &diags_;
  const ParseOptions &opts_;
};

// Lexes `text`, reporting lexical errors and dropping the error tokens so
// the parser sees a clean stream. Tokens read their text from the input
// stream, so the stream and lexer live as long as the tokens do.
struct Lexed {
  std::unique_ptr<antlr4::ANTLRInputStream> input;
  std::unique_ptr<RigLexer> lexer;
  std::vector<std::unique_ptr<antlr4::Token>> tokens;
};

Lexed lex(llvm::StringRef text, FileId file, const OffsetMap &map, Diagnostics &diags,
          std::vector<ast::Comment> *comments) {
  Lexed out;
  // The generated classes' static set-up runs on first use, not at start-up
  // (grammar/lazy_initializers.cmake).
  RigLexer::initializeOnce();
  out.input = std::make_unique<antlr4::ANTLRInputStream>(text.data(), text.size());
  out.lexer = std::make_unique<RigLexer>(out.input.get());
  out.lexer->removeErrorListeners();
  unsigned lexErrors = 0;
  for (;;) {
    std::unique_ptr<antlr4::Token> t = out.lexer->nextToken();
    size_t type = t->getType();
    if (type == RigLexer::UNTERMINATED_STRING || type == RigLexer::ERROR_CHAR) {
      SourceRange r{file, map.byteOffset(t->getStartIndex()), map.byteOffset(t->getStopIndex() + 1)};
      if (++lexErrors <= 50) {
        if (type == RigLexer::UNTERMINATED_STRING)
          diags.report(DiagKind::UnterminatedString, r).fix(SourceRange{file, r.end, r.end}, "\"");
        else
          diags.report(DiagKind::InvalidCharacter, r, t->getText());
      }
      continue;
    }
    if (t->getChannel() == antlr4::Token::HIDDEN_CHANNEL) {
      if (comments)
        comments->push_back({SourceRange{file, map.byteOffset(t->getStartIndex()),
                                         map.byteOffset(t->getStopIndex() + 1)},
                             t->getText()});
      continue;
    }
    out.tokens.push_back(std::move(t));
    if (type == antlr4::Token::EOF) break;
  }
  return out;
}

// Runs `rule` over the tokens: SLL with bail-out first (fast, and right for
// all valid input), then full LL with recovery to report every error.
template <typename Rule>
auto runParser(std::vector<std::unique_ptr<antlr4::Token>> &tokens, ErrorCollector &collector,
               std::unique_ptr<RigParser> &parser, std::unique_ptr<antlr4::ListTokenSource> &source,
               std::unique_ptr<antlr4::CommonTokenStream> &stream, Rule rule) -> decltype(rule(*parser)) {
  source = std::make_unique<antlr4::ListTokenSource>(std::move(tokens));
  stream = std::make_unique<antlr4::CommonTokenStream>(source.get());
  RigParser::initializeOnce();
  parser = std::make_unique<RigParser>(stream.get());
  parser->removeErrorListeners();
  parser->setErrorHandler(std::make_shared<antlr4::BailErrorStrategy>());
  parser->getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::SLL);
  try {
    return rule(*parser);
  } catch (antlr4::ParseCancellationException &) {
  }
  stream->seek(0);
  parser->reset();
  parser->setErrorHandler(std::make_shared<antlr4::DefaultErrorStrategy>());
  parser->addErrorListener(&collector);
  parser->getInterpreter<antlr4::atn::ParserATNSimulator>()->setPredictionMode(antlr4::atn::PredictionMode::LL);
  return rule(*parser);
}

} // namespace

size_t splitStringLiteral(llvm::StringRef inner, std::vector<StringPiece> &pieces) {
  size_t pos = 0, textStart = 0;
  auto literal = [&](size_t end) {
    if (end > textStart) pieces.push_back({false, textStart, end});
  };
  while (pos < inner.size()) {
    if (inner[pos] == '\\') {
      pos += 2;
      continue;
    }
    if (inner[pos] == '$' && pos + 1 < inner.size() && inner[pos + 1] == '{') {
      // The matching close brace: braces inside the code nest.
      size_t depth = 0, end = pos + 2;
      for (; end < inner.size(); ++end) {
        if (inner[end] == '{') ++depth;
        else if (inner[end] == '}') {
          if (depth == 0) break;
          --depth;
        }
      }
      if (end >= inner.size()) {
        literal(inner.size());
        return pos;
      }
      literal(pos);
      pieces.push_back({true, pos + 2, end});
      pos = end + 1;
      textStart = pos;
      continue;
    }
    ++pos;
  }
  literal(inner.size());
  return llvm::StringRef::npos;
}

void finishStringExpr(ast::StringExpr &str, llvm::StringRef inner, bool textBlock, SourceRange inside) {
  if (textBlock) dedentTextBlock(inner, str);
  if (str.parts.empty()) {
    ast::StringPart empty;
    empty.range = SourceRange{inside.file, inside.begin, inside.begin};
    str.parts.push_back(std::move(empty));
  }
}

// A text block drops the newline after its opening quotes, the line of its
// closing quotes, and the indentation common to its non-blank lines, so it
// can be indented with the code around it.
void dedentTextBlock(llvm::StringRef raw, ast::StringExpr &str) {
  size_t indent = std::string::npos;
  llvm::SmallVector<llvm::StringRef, 16> lines;
  raw.split(lines, '\n');
  for (size_t i = 0; i < lines.size(); ++i) {
    llvm::StringRef l = lines[i];
    if (i == 0 || l.trim().empty()) continue; // the opening line and blank lines do not count
    indent = std::min(indent, l.find_first_not_of(" \t"));
  }
  if (indent == std::string::npos) indent = 0;
  bool atLineStart = false;
  for (size_t p = 0; p < str.parts.size(); ++p) {
    ast::StringPart &part = str.parts[p];
    if (part.expr) {
      atLineStart = false;
      continue;
    }
    std::string out;
    llvm::StringRef t = part.text;
    if (p == 0) {
      // Drop the opening line when it is empty: """<newline>.
      size_t nl = t.find('\n');
      if (nl != llvm::StringRef::npos && t.substr(0, nl).trim().empty()) {
        t = t.drop_front(nl + 1);
        atLineStart = true;
      }
    }
    for (size_t i = 0; i < t.size(); ++i) {
      if (atLineStart) {
        size_t skip = 0;
        while (skip < indent && i + skip < t.size() && (t[i + skip] == ' ' || t[i + skip] == '\t')) ++skip;
        i += skip;
        atLineStart = false;
        if (i >= t.size()) break;
      }
      out += t[i];
      if (t[i] == '\n') atLineStart = true;
    }
    if (p + 1 == str.parts.size()) {
      // Drop the closing line: a newline followed only by blanks.
      size_t nl = out.rfind('\n');
      if (nl != std::string::npos && llvm::StringRef(out).substr(nl + 1).trim().empty()) out.erase(nl);
    }
    part.text = std::move(out);
  }
}

namespace {

ast::ExprPtr Builder::stringExpr(antlr4::tree::TerminalNode *s) {
  SourceRange whole = range(s);
  auto str = std::make_unique<ast::StringExpr>(whole);
  std::string raw = s->getText();
  bool block = llvm::StringRef(raw).startswith("\"\"\"");
  size_t quote = block ? 3 : 1;
  llvm::StringRef inner = llvm::StringRef(raw).drop_front(quote).drop_back(quote);
  uint32_t innerBase = whole.begin + quote;
  std::vector<StringPiece> pieces;
  size_t unterminated = splitStringLiteral(inner, pieces);
  for (const StringPiece &piece : pieces) {
    ast::StringPart part;
    if (!piece.interpolation) {
      part.range = SourceRange{file_, innerBase + (uint32_t)piece.begin, innerBase + (uint32_t)piece.end};
      part.text = cookString(inner.slice(piece.begin, piece.end), part.range, diags_);
      str->parts.push_back(std::move(part));
      continue;
    }
    llvm::StringRef code = inner.slice(piece.begin, piece.end);
    uint32_t codeBase = innerBase + (uint32_t)piece.begin;
    part.range = SourceRange{file_, codeBase - 2, codeBase + (uint32_t)code.size() + 1};
    if (code.trim().empty()) {
      diags_.report(DiagKind::SyntaxError, part.range, "empty interpolation `${}`");
      part.expr = std::make_unique<ast::ErrorExpr>(part.range);
      str->parts.push_back(std::move(part));
      continue;
    }
    OffsetMap subMap(code, codeBase);
    Builder sub(file_, subMap, diags_, opts_);
    ErrorCollector collector(file_, subMap, diags_, opts_.maxSyntaxErrors, "`}` closing the interpolation");
    Lexed lexed = lex(code, file_, subMap, diags_, nullptr);
    std::unique_ptr<RigParser> parser;
    std::unique_ptr<antlr4::ListTokenSource> source;
    std::unique_ptr<antlr4::CommonTokenStream> stream;
    try {
      P::InterpolationContext *e = runParser(lexed.tokens, collector, parser, source, stream,
                                             [](RigParser &p) { return p.interpolation(); });
      part.expr = sub.expr(e->expr());
    } catch (TooManyErrors &) {
      part.expr = std::make_unique<ast::ErrorExpr>(part.range);
    }
    str->parts.push_back(std::move(part));
  }
  if (unterminated != llvm::StringRef::npos)
    diags_.report(DiagKind::SyntaxError, SourceRange{file_, innerBase + (uint32_t)unterminated, whole.end},
                  "unterminated `${` in string; close it with `}`");
  finishStringExpr(*str, inner, block, SourceRange{file_, innerBase, innerBase + (uint32_t)inner.size()});
  return str;
}

// Returns the offset of the first byte that is not UTF-8 text, or npos.
size_t findNonText(llvm::StringRef text) {
  size_t i = 0, n = text.size();
  while (i < n) {
    unsigned char c = text[i];
    if (c < 0x80) {
      if (c == 0 || (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f')) return i;
      ++i;
      continue;
    }
    size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (len == 0 || i + len > n) return i;
    for (size_t k = 1; k < len; ++k)
      if (((unsigned char)text[i + k] & 0xC0) != 0x80) return i;
    i += len;
  }
  return llvm::StringRef::npos;
}

} // namespace

std::string cookString(llvm::StringRef raw, SourceRange where, Diagnostics &diags) {
  if (raw.find('\\') == llvm::StringRef::npos) return raw.str(); // nothing to cook
  std::string out;
  out.reserve(raw.size());
  for (size_t i = 0; i < raw.size(); ++i) {
    char c = raw[i];
    if (c != '\\' || i + 1 >= raw.size()) {
      out += c;
      continue;
    }
    char e = raw[++i];
    switch (e) {
    case 'n': out += '\n'; break;
    case 't': out += '\t'; break;
    case 'r': out += '\r'; break;
    case '"': out += '"'; break;
    case '\\': out += '\\'; break;
    case '$': out += '$'; break;
    case 'u': {
      // \u{1F600}: up to six hex digits.
      size_t close = raw.find('}', i);
      unsigned cp = 0;
      bool ok = i + 1 < raw.size() && raw[i + 1] == '{' && close != llvm::StringRef::npos && close > i + 2 &&
                close - i - 2 <= 6 && !raw.slice(i + 2, close).getAsInteger(16, cp) && cp <= 0x10FFFF &&
                !(cp >= 0xD800 && cp <= 0xDFFF);
      if (!ok) {
        SourceRange r{where.file, where.begin + (uint32_t)i - 1, where.begin + (uint32_t)i + 1};
        diags.report(DiagKind::InvalidEscape, r, "\\u");
        break;
      }
      if (cp < 0x80) out += char(cp);
      else if (cp < 0x800) { out += char(0xC0 | (cp >> 6)); out += char(0x80 | (cp & 0x3F)); }
      else if (cp < 0x10000) { out += char(0xE0 | (cp >> 12)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
      else { out += char(0xF0 | (cp >> 18)); out += char(0x80 | ((cp >> 12) & 0x3F)); out += char(0x80 | ((cp >> 6) & 0x3F)); out += char(0x80 | (cp & 0x3F)); }
      i = close;
      break;
    }
    default: {
      SourceRange r{where.file, where.begin + (uint32_t)i - 1, where.begin + (uint32_t)i + 1};
      diags.report(DiagKind::InvalidEscape, r, std::string("\\") + e);
      out += e;
    }
    }
  }
  return out;
}

ast::File parse(const SourceManager &sm, FileId file, Diagnostics &diags, const ParseOptions &opts) {
  bool fits = sm.text(file).size() <= opts.maxFileBytes;
  // The fast path checks the nesting bounds on its tokens and declines a
  // file past them; everything else passes the byte scan below first.
  FastParsePrefix prefix;
  if (opts.engine != ParseOptions::Engine::Antlr && fits) {
    FastParseOptions fastOpts;
    fastOpts.threads = opts.fastThreads;
    fastOpts.bytesPerThread = opts.fastBytesPerThread;
    fastOpts.bytesPerPart = opts.fastBytesPerPart;
    fastOpts.maxNesting = opts.maxNesting;
    fastOpts.maxOperators = opts.maxNesting * 5;
    fastOpts.itemSink = opts.itemSink;
    fastOpts.prefix = &prefix;
    if (std::optional<ast::File> fast = fastParse(sm, file, fastOpts)) return std::move(*fast);
  }
  size_t deep = fits ? findDeepNesting(sm.text(file), opts.maxNesting, opts.maxNesting * 5) : llvm::StringRef::npos;
  if (deep != llvm::StringRef::npos) {
    diags.report(DiagKind::NestingTooDeep, SourceRange{file, (uint32_t)deep, (uint32_t)deep + 1}, opts.maxNesting, opts.maxNesting * 5);
    ast::File tooDeep;
    tooDeep.id = file;
    return tooDeep;
  }
  if (opts.engine != ParseOptions::Engine::Antlr && fits) {
    if (opts.engine == ParseOptions::Engine::Fast) {
      diags.report(DiagKind::SyntaxError, SourceRange{file, 0, 0}, "the fast parser did not accept this file");
      ast::File empty;
      empty.id = file;
      return empty;
    }
  }
  ast::File result;
  result.id = file;
  llvm::StringRef text = sm.text(file);
  if (text.size() > opts.maxFileBytes) {
    diags.report(DiagKind::FileTooLarge, SourceRange{file, 0, 0}, text.size(), opts.maxFileBytes);
    return result;
  }
  size_t bad = findNonText(text);
  if (bad != llvm::StringRef::npos) {
    diags.report(DiagKind::NotUtf8Text, SourceRange{file, (uint32_t)bad, (uint32_t)bad + 1},
                 (unsigned)(unsigned char)text[bad], bad);
    return result;
  }
  // ANTLR's input stream drops a leading byte order mark; skip it here too
  // so code-point indexes still map to the right bytes.
  // A doubled mark (an editor adding one to a file that had one) is
  // skipped too: ANTLR would drop the second silently and every position
  // after it would be off by one code point.
  uint32_t bom = text.startswith("\xEF\xBB\xBF") ? 3 : 0;
  if (bom && text.substr(3).startswith("\xEF\xBB\xBF")) bom = 6;
  // A large file the fast parser cut into parts is parsed by ANTLR only
  // from the first part that failed: the parts before it end where a single
  // pass is between top-level items, with nothing open, so from there ANTLR
  // reads the rest exactly as it would have after reading them, and on
  // text it accepts without a diagnostic it builds the tree the fast parser
  // built (tests/unit/parse: LargeFilesWithErrorsParseAsAWhole). A syntax
  // error near the end of a 10 MB file took 7.5 s and 1.2 GB this way
  // before.
  uint32_t start = std::max(bom, prefix.end);
  size_t keptItems = prefix.items.size(), keptComments = prefix.comments.size();
  if (prefix.end > 0) {
    result.items = std::move(prefix.items);
    result.comments = std::move(prefix.comments);
  }
  // ANTLR takes about 120 bytes of memory per byte it reads. Past its
  // first failure a file is read only opts.maxRecoveryBytes further, so
  // that a large file's errors cost seconds and hundreds of megabytes, not
  // minutes and gigabytes; a note says where it stopped. If the text read
  // has no error, the error is further on: all of it is read then.
  size_t end = text.size();
  if (end - start > opts.maxRecoveryBytes) {
    // Between items if there is such a place; else at a line's end (text
    // that is not rig at all has no items, and ANTLR would lex all of it).
    size_t cut = nextItemBoundary(text, start + opts.maxRecoveryBytes);
    if (cut == llvm::StringRef::npos) cut = text.find('\n', start + opts.maxRecoveryBytes);
    if (cut != llvm::StringRef::npos && cut < end) end = cut;
  }
  // One ANTLR parse at a time: files are parsed on several threads (the
  // driver's small files), and ANTLR is reached only on errors, where
  // waiting costs nothing worth the risk of its shared caches.
  static std::mutex antlrMutex;
  std::lock_guard<std::mutex> antlrLock(antlrMutex);
  for (;;) {
    bool window = end < text.size();
    size_t errorsBefore = diags.errorCount(), reportsBefore = diags.all().size();
    llvm::StringRef read = text.slice(start, end);
    OffsetMap map(read, start);
    ErrorCollector collector(file, map, diags, opts.maxSyntaxErrors, window ? "end of the text read" : "end of file");
    Builder builder(file, map, diags, opts);
    bool tooMany = false;
    try {
      Lexed lexed = lex(read, file, map, diags, &result.comments);
      auto &tokens = lexed.tokens;
      std::unique_ptr<RigParser> parser;
      std::unique_ptr<antlr4::ListTokenSource> source;
      std::unique_ptr<antlr4::CommonTokenStream> stream;
      P::FileContext *tree = runParser(tokens, collector, parser, source, stream,
                                       [](RigParser &p) { return p.file(); });
      builder.items(tree->item(), result.items);
    } catch (TooManyErrors &) {
      // Already reported; the items built so far are dropped with the tree
      // (those of the parts before it too, as if ANTLR had read them).
      result.items.clear();
      tooMany = true;
    } catch (std::exception &e) {
      diags.report(DiagKind::SyntaxError, SourceRange{file, 0, 0}, std::string("parser failure: ") + e.what());
    }
    if (!window || tooMany) break;
    if (diags.errorCount() > errorsBefore) {
      diags.report(DiagKind::SyntaxCheckStopped, SourceRange{file, (uint32_t)end, (uint32_t)end}, text.size(),
                   end - start);
      break;
    }
    // Read it all again, as if the window had not been read.
    result.items.resize(keptItems);
    result.comments.resize(keptComments);
    diags.all().erase(diags.all().begin() + static_cast<std::ptrdiff_t>(reportsBefore), diags.all().end());
    end = text.size();
  }
  return result;
}

} // namespace rig
