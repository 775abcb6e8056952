// The fast path of the parse phase: a hand-written lexer and recursive
// descent parser for grammar/Rig.g4. For input the ANTLR path accepts without
// a diagnostic it builds the very tree the Builder in parse.cpp builds: the
// same nodes, byte ranges, comments and cooked strings. On anything else it
// throws Fail internally and fastParse returns nullopt, so that parse() runs
// the ANTLR parser, which reports and recovers.
//
// The lexer mirrors the ANTLR lexer rules (longest match, first rule wins on
// a tie); the parser has one function per grammar rule and makes ANTLR's
// choice at every decision. The only decisions that need more than one token
// of lookahead are commented where they are made (afterClause, words,
// attribute vs declaration, named arguments).
#include "compiler/parse/fast_parser.h"

#include "compiler/base/parallel.h"
#include "compiler/base/scratch.h"
#include "compiler/base/text_search.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>

#include "compiler/diagnostics/diagnostic.h"
#include "compiler/parse/nesting.h"
#include "compiler/parse/parse.h"
#include "llvm/ADT/STLExtras.h"

namespace rig {
namespace {

// Token types; the keyword block mirrors the KW_* lexer rules.
enum Tok : uint8_t {
  T_EOF,
  K_IMPORT, K_AS, K_LET, K_TEMPLATE, K_FOR, K_IN, K_IF, K_ELSE, K_ON, K_EXIT, K_CONDITION, K_NOT, K_AND,
  K_OR, K_AFTER, K_TRUE, K_FALSE, K_NULL,
  T_NUMBER, T_IDENT, T_TEXT_BLOCK, T_STRING, T_NL,
  T_LBRACE, T_RBRACE, T_LPAREN, T_RPAREN, T_LBRACK, T_RBRACK, T_EQ, T_ARROW, T_COLON, T_COMMA, T_SEMI,
  T_DOT, T_DOTDOT, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT, T_BANG, T_QUESTION, T_EQEQ, T_NEQ, T_LT,
  T_LE, T_GT, T_GE, T_ANDAND, T_OROR,
};

struct Token {
  uint32_t begin, end;
  Tok type;
};

// Any lexical or syntax problem: unwinds to fastParse, which returns nullopt.
struct Fail {};
[[noreturn]] void fail() { throw Fail{}; }

// Character classes for the lexer's hot loops.
enum : uint8_t { C_OTHER = 0, C_IDSTART = 1, C_DIGIT = 2 };
struct CharTable {
  uint8_t cls[256] = {};
  bool plain[256] = {}; // printable ASCII other than `"` and `\`: string text as is
  constexpr CharTable() {
    for (int c = 0x20; c < 0x7F; ++c) plain[c] = c != '"' && c != '\\';
    for (int c = 'a'; c <= 'z'; ++c) cls[c] = C_IDSTART;
    for (int c = 'A'; c <= 'Z'; ++c) cls[c] = C_IDSTART;
    cls[(int)'_'] = C_IDSTART;
    for (int c = '0'; c <= '9'; ++c) cls[c] = C_DIGIT;
  }
};
constexpr CharTable kChars;
inline bool isIdChar(unsigned char c) { return kChars.cls[c] != C_OTHER; }
inline bool isDigit(unsigned char c) { return kChars.cls[c] == C_DIGIT; }
inline bool isLetter(unsigned char c) { return (unsigned)((c | 0x20) - 'a') < 26; }
inline bool isLetterOrUnderscore(unsigned char c) { return kChars.cls[c] == C_IDSTART; }

Tok keyword(const char *p, size_t n) {
  auto is = [&](const char *kw, size_t len) { return n == len && std::memcmp(p + 1, kw + 1, len - 1) == 0; };
  switch (p[0]) {
  case 'a':
    if (is("as", 2)) return K_AS;
    if (is("and", 3)) return K_AND;
    if (is("after", 5)) return K_AFTER;
    break;
  case 'c':
    if (is("condition", 9)) return K_CONDITION;
    break;
  case 'e':
    if (is("else", 4)) return K_ELSE;
    if (is("exit", 4)) return K_EXIT;
    break;
  case 'f':
    if (is("for", 3)) return K_FOR;
    if (is("false", 5)) return K_FALSE;
    break;
  case 'i':
    if (is("if", 2)) return K_IF;
    if (is("in", 2)) return K_IN;
    if (is("import", 6)) return K_IMPORT;
    break;
  case 'l':
    if (is("let", 3)) return K_LET;
    break;
  case 'n':
    if (is("not", 3)) return K_NOT;
    if (is("null", 4)) return K_NULL;
    break;
  case 'o':
    if (is("on", 2)) return K_ON;
    if (is("or", 2)) return K_OR;
    break;
  case 't':
    if (is("true", 4)) return K_TRUE;
    if (is("template", 8)) return K_TEMPLATE;
    break;
  default: break;
  }
  return T_IDENT;
}

// Lexes text[begin, end) one token at a time; after the last token it
// returns EOF. Offsets are absolute in the file, so interpolations are lexed
// in place. Comments go to `comments` when it is set (interpolations do not
// record theirs, like the ANTLR path).
class Lexer {
public:
  Lexer(const char *text, uint32_t begin, uint32_t end, FileId file, std::vector<ast::Comment> *comments)
      : s_(text), p_(begin), n_(end), file_(file), comments_(comments) {}

  // Writes the next token into `out` (returning a Token by value would go
  // through the stack and stall store forwarding once per token).
  void next(Token &out) {
    uint32_t p = p_;
    const char *s = s_;
    const uint32_t n = n_;
    for (;;) {
      // Mostly a single space between two tokens of a line: stepped over
      // here; runs (indentation) go to skipSpaces.
      if (p < n && s[p] == ' ') {
        ++p;
        if (p < n && s[p] == ' ') p = skipSpaces(p);
      }
      if (p >= n) {
        p_ = p;
        out = {n, n, T_EOF};
        return;
      }
      unsigned char c = s[p];
      uint32_t start = p;
      if (isLetterOrUnderscore(c)) {
        // IDENT : [a-zA-Z_] [a-zA-Z0-9_]* , or a keyword (the first rule wins a tie).
        const char *q = s + p + 1, *end = s + n;
        while (q < end && isIdChar(*q)) ++q;
        p = (uint32_t)(q - s);
        p_ = p;
        out = {start, p, keyword(s + start, p - start)};
        return;
      }
      Tok t;
      switch (c) {
      case ' ': case '\t': case '\f':
        ++p;
        while (p < n && (s[p] == ' ' || s[p] == '\t' || s[p] == '\f')) ++p;
        continue;
      case '\n': case '\r':
        // NL : ('\r'? '\n')+ ; a lone '\r' is an invalid character.
        for (;;) {
          if (p < n && s[p] == '\n') ++p;
          else if (p + 1 < n && s[p] == '\r' && s[p + 1] == '\n') p += 2;
          else break;
        }
        if (p == start) fail();
        p_ = p;
        out = {start, p, T_NL};
        return;
      case '\\':
        // LINE_CONT : '\\' '\r'? '\n' -> skip
        if (p + 1 < n && s[p + 1] == '\n') p += 2;
        else if (p + 2 < n && s[p + 1] == '\r' && s[p + 2] == '\n') p += 3;
        else fail();
        continue;
      case '#':
        lineComment(p);
        continue;
      case '/':
        if (p + 1 < n && s[p + 1] == '/') {
          lineComment(p);
          continue;
        }
        if (p + 1 < n && s[p + 1] == '*') {
          blockComment(p);
          continue;
        }
        t = T_SLASH;
        ++p;
        break;
      case '"':
        t = stringLiteral(p);
        break;
      case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8': case '9':
        // NUMBER : DIGIT+ ('.' DIGIT+)* [a-zA-Z_]* ('/' [a-zA-Z]+)? , longest match.
        ++p;
        while (p < n && isDigit(s[p])) ++p;
        while (p + 1 < n && s[p] == '.' && isDigit(s[p + 1])) {
          p += 2;
          while (p < n && isDigit(s[p])) ++p;
        }
        while (p < n && isLetterOrUnderscore(s[p])) ++p;
        if (p + 1 < n && s[p] == '/' && isLetter(s[p + 1])) {
          p += 2;
          while (p < n && isLetter(s[p])) ++p;
        }
        t = T_NUMBER;
        break;
      case '{': t = T_LBRACE; ++p; break;
      case '}': t = T_RBRACE; ++p; break;
      case '(': t = T_LPAREN; ++p; break;
      case ')': t = T_RPAREN; ++p; break;
      case '[': t = T_LBRACK; ++p; break;
      case ']': t = T_RBRACK; ++p; break;
      case ':': t = T_COLON; ++p; break;
      case ',': t = T_COMMA; ++p; break;
      case ';': t = T_SEMI; ++p; break;
      case '+': t = T_PLUS; ++p; break;
      case '-': t = T_MINUS; ++p; break;
      case '*': t = T_STAR; ++p; break;
      case '%': t = T_PERCENT; ++p; break;
      case '?': t = T_QUESTION; ++p; break;
      case '=':
        if (p + 1 < n && s[p + 1] == '=') t = T_EQEQ, p += 2;
        else if (p + 1 < n && s[p + 1] == '>') t = T_ARROW, p += 2;
        else t = T_EQ, ++p;
        break;
      case '.':
        if (p + 1 < n && s[p + 1] == '.') t = T_DOTDOT, p += 2;
        else t = T_DOT, ++p;
        break;
      case '!':
        if (p + 1 < n && s[p + 1] == '=') t = T_NEQ, p += 2;
        else t = T_BANG, ++p;
        break;
      case '<':
        if (p + 1 < n && s[p + 1] == '=') t = T_LE, p += 2;
        else t = T_LT, ++p;
        break;
      case '>':
        if (p + 1 < n && s[p + 1] == '=') t = T_GE, p += 2;
        else t = T_GT, ++p;
        break;
      case '&':
        if (p + 1 < n && s[p + 1] == '&') t = T_ANDAND, p += 2;
        else fail();
        break;
      case '|':
        if (p + 1 < n && s[p + 1] == '|') t = T_OROR, p += 2;
        else fail();
        break;
      default: fail(); // ERROR_CHAR
      }
      p_ = p;
      out = {start, p, t};
      return;
    }
  }

private:
  // The end of a run of spaces starting at p (indentation: usually short).
  uint32_t skipSpaces(uint32_t p) const {
    const char *q = s_ + p, *end = s_ + n_;
    while (q < end && *q == ' ') ++q;
    return (uint32_t)(q - s_);
  }

  // Steps over one character inside a string or comment: text the ANTLR path
  // accepts (findNonText, then a strict UTF-8 decode of the input stream).
  void textChar(uint32_t &p) const {
    unsigned char c = s_[p];
    if (c >= 0x20 && c < 0x80) {
      ++p;
      return;
    }
    if (c < 0x80) {
      if (c == '\t' || c == '\f' || c == '\n' || c == '\r') {
        ++p;
        return;
      }
      fail();
    }
    // UTF-8 as ANTLR's input stream decodes it (std::codecvt_utf8): no
    // overlong forms and nothing past U+10FFFF, but surrogates pass.
    auto cont = [&](uint32_t i) { return i < n_ && ((unsigned char)s_[i] & 0xC0) == 0x80; };
    if (c >= 0xC2 && c <= 0xDF) {
      if (!cont(p + 1)) fail();
      p += 2;
      return;
    }
    if (c >= 0xE0 && c <= 0xEF) {
      if (!cont(p + 1) || !cont(p + 2)) fail();
      unsigned char c1 = s_[p + 1];
      if (c == 0xE0 && c1 < 0xA0) fail();
      p += 3;
      return;
    }
    if (c >= 0xF0 && c <= 0xF4) {
      if (!cont(p + 1) || !cont(p + 2) || !cont(p + 3)) fail();
      unsigned char c1 = s_[p + 1];
      if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 >= 0x90)) fail();
      p += 4;
      return;
    }
    fail();
  }

  void comment(uint32_t begin, uint32_t end) {
    if (comments_) comments_->push_back({SourceRange{file_, begin, end}, std::string(s_ + begin, end - begin)});
  }

  // LINE_COMMENT : ('//' | '#') ~[\r\n]* -> channel(HIDDEN)
  void lineComment(uint32_t &p) {
    uint32_t start = p;
    while (p < n_ && s_[p] != '\n' && s_[p] != '\r') textChar(p);
    comment(start, p);
  }

  // BLOCK_COMMENT : '/*' .*? '*/' ; unterminated, it would lex as `/` `*`,
  // which no rule accepts.
  void blockComment(uint32_t &p) {
    uint32_t start = p;
    p += 2;
    for (;;) {
      if (p >= n_) fail();
      if (s_[p] == '*' && p + 1 < n_ && s_[p + 1] == '/') break;
      textChar(p);
    }
    p += 2;
    comment(start, p);
  }

  // TEXT_BLOCK : '"""' .*? '"""' ; STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"' ;
  // An unterminated text block leaves STRING `""` as the longest match.
  Tok stringLiteral(uint32_t &p) {
    uint32_t start = p;
    if (p + 2 < n_ && s_[p + 1] == '"' && s_[p + 2] == '"') {
      uint32_t q = p + 3;
      while (q < n_) {
        if (s_[q] == '"' && q + 2 < n_ && s_[q + 1] == '"' && s_[q + 2] == '"') {
          p = q + 3;
          return T_TEXT_BLOCK;
        }
        textChar(q);
      }
      p = start + 2;
      return T_STRING;
    }
    ++p;
    for (;;) {
      if (p >= n_) fail(); // UNTERMINATED_STRING
      unsigned char c = s_[p];
      if (kChars.plain[c]) {
        ++p;
        continue;
      }
      if (c == '"') {
        ++p;
        return T_STRING;
      }
      if (c == '\n' || c == '\r') fail();
      if (c == '\\') {
        ++p;
        if (p >= n_ || s_[p] == '\n' || s_[p] == '\r') fail();
      }
      textChar(p);
    }
  }

  const char *s_;
  uint32_t p_;
  uint32_t n_;
  FileId file_;
  std::vector<ast::Comment> *comments_;
};

inline bool isSep(Tok t) { return t == T_NL || t == T_COMMA || t == T_SEMI; }
inline bool isWordStart(Tok t) { return t == T_IDENT || t == T_STRING || t == T_NUMBER || t == T_MINUS; }

// What a parse and the parses of its interpolations share.
struct Shared {
  Diagnostics scratch; // cookString's reports; any report is a failure
  unsigned depth = 0;  // recursion depth, bounded by kMaxDepth
};

// Lexes text[begin, end) into `out`, which then ends with three EOF tokens
// so that peek(2) never runs off the end. One tight loop over the text, then
// the parse over the tokens, is markedly faster than lexing on demand.
void lexAll(const char *text, uint32_t begin, uint32_t end, FileId file, std::vector<ast::Comment> *comments,
            std::vector<Token> &out) {
  Lexer lex(text, begin, end, file, comments);
  out.reserve((end - begin) / 4 + 16);
  // Each token into a local first: written straight into the list, every
  // store to it might alias the lexer's own position (both uint32_t), which
  // the compiler then reloads.
  Token t;
  do {
    lex.next(t);
    out.push_back(t);
  } while (t.type != T_EOF);
  out.push_back(t);
  out.push_back(t);
}

class Parser {
public:
  Parser(const char *text, uint32_t begin, uint32_t end, FileId file, std::vector<ast::Comment> *comments,
         Shared &shared)
      : s_(text), file_(file), sh_(shared) {
    lexAll(text, begin, end, file, comments, toks_);
    t_ = toks_.data();
    prevEnd_ = begin;
  }
  // Parses tokens lexed elsewhere; they must end with three EOF tokens and
  // outlive the parser. `prevEnd` is the end of whatever precedes them.
  Parser(const char *text, const Token *tokens, uint32_t prevEnd, FileId file, Shared &shared)
      : s_(text), file_(file), t_(tokens), prevEnd_(prevEnd), sh_(shared) {}

  void file(std::vector<ast::ItemPtr> &out) { items(out, T_EOF); }
  // The same, handing each item to `each` as soon as it is made. The value
  // and body of a top-level declaration that `dropper` says each() drops
  // are built in scratch memory (when there is any), which is reused once
  // each() has released them.
  void file(std::vector<ast::ItemPtr> &out, llvm::function_ref<void(ast::Item &)> each,
            const ast::ItemSink *dropper = nullptr) {
    dropper_ = dropper && scratch::available() ? dropper : nullptr;
    items(out, T_EOF, each);
  }

  // interpolation : nl* expr nl* EOF ;  (the code of a `${…}`)
  ast::ExprPtr interpolation() {
    skipNL();
    ast::ExprPtr e = expr(0);
    skipNL();
    if (cur() != T_EOF) fail();
    return e;
  }

private:
  // ---- tokens

  Tok cur() const { return t_->type; }
  Tok peek(size_t k) const { return t_[k].type; }
  uint32_t here() const { return t_->begin; }
  // Consumes the current token; EOF stays current.
  Token take() {
    Token t = *t_;
    prevEnd_ = t.end;
    if (t.type != T_EOF) ++t_;
    return t;
  }
  void advance() { (void)take(); }
  Token expect(Tok t) {
    if (cur() != t) fail();
    return take();
  }
  void skipNL() {
    while (cur() == T_NL) advance();
  }
  // A rule's range: its first token's first byte to its last token's end.
  SourceRange rangeFrom(uint32_t begin) const { return {file_, begin, prevEnd_}; }
  SourceRange range(const Token &t) const { return {file_, t.begin, t.end}; }
  std::string text(const Token &t) const { return std::string(s_ + t.begin, t.end - t.begin); }
  ast::Ident ident(const Token &t) const { return {text(t), range(t)}; }
  ast::Ident expectIdent() { return ident(expect(T_IDENT)); }

  std::string cookRaw(llvm::StringRef raw, SourceRange where) {
    std::string s = cookString(raw, where, sh_.scratch);
    if (!sh_.scratch.all().empty()) fail();
    return s;
  }
  // A STRING token's cooked text (the quotes dropped).
  std::string cook(const Token &t) {
    return cookRaw(llvm::StringRef(s_ + t.begin + 1, t.end - t.begin - 2), {file_, t.begin + 1, t.end - 1});
  }

  struct Depth {
    explicit Depth(Shared &sh) : sh(sh) {
      if (++sh.depth > kMaxDepth) fail();
    }
    ~Depth() { --sh.depth; }
    Shared &sh;
  };
  // Deeper recursion than this is left to the ANTLR path. parse() refuses
  // input nested more than 200 brackets deep or chaining more than 1000
  // operators before either parser runs, which stays well below it.
  static constexpr unsigned kMaxDepth = 1500;

  // ---- items

  // file : sep* (item (sep+ item)*)? sep* EOF ;
  // body : '{' sep* (item (sep+ item)*)? sep* '}' ;
  void items(std::vector<ast::ItemPtr> &out, Tok close, llvm::function_ref<void(ast::Item &)> each = nullptr) {
    while (isSep(cur())) advance();
    while (cur() != close) {
      ast::ItemPtr it = item();
      // `out` outlives any scratch item (the stack of open bodies, the
      // file's list): it grows in ordinary memory.
      if (out.size() == out.capacity() && scratchItem_) {
        scratch::Scope ordinary(false);
        out.reserve(std::max<size_t>(16, out.capacity() * 2));
      }
      out.push_back(std::move(it));
      if (each) {
        each(*out.back());
        if (scratchItem_) {
          scratchItem_ = false;
          // Reused only once each() has let go of both (as it promised).
          auto &d = static_cast<ast::Declaration &>(*out.back());
          if (!d.body && !d.value) scratch::reset();
        }
      }
      if (cur() == close) break;
      if (!isSep(cur())) fail();
      do advance();
      while (isSep(cur()));
    }
  }

  std::unique_ptr<ast::Body> body() {
    Depth guard(sh_);
    uint32_t start = here();
    expect(T_LBRACE);
    auto b = std::make_unique<ast::Body>();
    // The items gather on a stack that every open body shares (a nested
    // body's go on top and leave before the next item of this one), then
    // move into a list of exactly their number: grown one item at a time,
    // each block's list cost several allocations and moves.
    size_t mark = pending_.size();
    ++bodyDepth_;
    items(pending_, T_RBRACE);
    --bodyDepth_;
    b->items.reserve(pending_.size() - mark);
    for (size_t i = mark; i < pending_.size(); ++i) b->items.push_back(std::move(pending_[i]));
    pending_.resize(mark);
    advance(); // '}'
    b->range = rangeFrom(start);
    return b;
  }

  ast::ItemPtr item() {
    switch (cur()) {
    case K_IMPORT: return importDecl();
    case K_LET: return letDecl();
    case K_TEMPLATE: return templateDecl();
    case K_FOR: return forItem();
    case K_IF: return ifItem();
    case K_ON: return failureRule();
    case T_STRING: return attribute();
    case T_IDENT:
      // attribute : IDENT ('.' IDENT)* '=' expr ; a declaration's keyword is
      // followed by a word, `after` or `{`: the second token decides.
      if (peek(1) == T_EQ || peek(1) == T_DOT) return attribute();
      return declaration();
    default: fail();
    }
  }

  // importDecl : KW_IMPORT STRING (KW_AS IDENT)? ;
  ast::ItemPtr importDecl() {
    uint32_t start = take().begin;
    auto d = std::make_unique<ast::ImportDecl>(SourceRange{});
    const Token s = expect(T_STRING);
    d->pathRange = range(s);
    d->path = cook(s);
    if (cur() == K_AS) {
      advance();
      d->alias = expectIdent();
    }
    d->range = rangeFrom(start);
    return d;
  }

  // typeRef : IDENT ('[' typeRef ']')? ;
  std::unique_ptr<ast::TypeRef> typeRef() {
    Depth guard(sh_);
    uint32_t start = here();
    auto t = std::make_unique<ast::TypeRef>();
    t->name = expectIdent();
    if (cur() == T_LBRACK) {
      advance();
      t->element = typeRef();
      expect(T_RBRACK);
    }
    t->range = rangeFrom(start);
    return t;
  }

  // letDecl : KW_LET IDENT (':' typeRef)? '=' expr ;
  ast::ItemPtr letDecl() {
    uint32_t start = take().begin;
    auto d = std::make_unique<ast::LetDecl>(SourceRange{});
    d->name = expectIdent();
    if (cur() == T_COLON) {
      advance();
      d->type = typeRef();
    }
    expect(T_EQ);
    d->value = expr(0);
    d->range = rangeFrom(start);
    return d;
  }

  // templateDecl : KW_TEMPLATE IDENT '(' nl* (param (nl* ',' nl* param)* (nl* ',')?)? nl* ')'
  //                (':' IDENT)? body ;
  // param : IDENT ':' typeRef ('=' expr)? ;
  ast::ItemPtr templateDecl() {
    uint32_t start = take().begin;
    auto d = std::make_unique<ast::TemplateDecl>(SourceRange{});
    d->name = expectIdent();
    expect(T_LPAREN);
    skipNL();
    if (cur() != T_RPAREN) {
      for (;;) {
        ast::Param param;
        param.name = expectIdent();
        expect(T_COLON);
        param.type = std::move(*typeRef());
        if (cur() == T_EQ) {
          advance();
          param.defaultValue = expr(0);
        }
        d->params.push_back(std::move(param));
        skipNL();
        if (cur() == T_COMMA) {
          advance();
          skipNL();
          if (cur() == T_RPAREN) break;
          continue;
        }
        break;
      }
    }
    expect(T_RPAREN);
    if (cur() == T_COLON) {
      advance();
      d->resultKind = expectIdent();
    }
    d->body = body();
    d->range = rangeFrom(start);
    return d;
  }

  // forItem : KW_FOR IDENT (',' IDENT)? KW_IN expr body ;
  ast::ItemPtr forItem() {
    uint32_t start = take().begin;
    auto d = std::make_unique<ast::ForItem>(SourceRange{});
    d->var = expectIdent();
    if (cur() == T_COMMA) {
      advance();
      d->secondVar = expectIdent();
    }
    expect(K_IN);
    d->iterable = expr(0);
    d->body = body();
    d->range = rangeFrom(start);
    return d;
  }

  // ifItem : KW_IF expr body (KW_ELSE (ifItem | body))? ;
  ast::ItemPtr ifItem() {
    Depth guard(sh_);
    uint32_t start = take().begin;
    auto d = std::make_unique<ast::IfItem>(SourceRange{});
    d->cond = expr(0);
    d->then = body();
    if (cur() == K_ELSE) {
      advance();
      if (cur() == K_IF) d->elseIf = ifItem();
      else d->otherwise = body();
    }
    d->range = rangeFrom(start);
    return d;
  }

  // failureRule : KW_ON ruleMatch '=>' IDENT ;
  // ruleMatch : KW_EXIT KW_NOT? KW_IN? valueSet (KW_IN IDENT)? (KW_AND KW_CONDITION IDENT (',' IDENT)*)?
  //           | KW_CONDITION IDENT (',' IDENT)* ;
  // valueSet : valueElem (',' valueElem)* ;  valueElem : NUMBER ('..' NUMBER)? ;
  ast::ItemPtr failureRule() {
    uint32_t start = take().begin;
    auto d = std::make_unique<ast::FailureRule>(SourceRange{});
    if (cur() == K_EXIT) {
      advance();
      d->match = ast::FailureRule::Match::Exit;
      if (cur() == K_NOT) {
        advance();
        d->notIn = true;
      }
      if (cur() == K_IN) advance();
      for (;;) {
        uint32_t elem = here();
        ast::ExitValue ev;
        ev.lo = text(expect(T_NUMBER));
        if (cur() == T_DOTDOT) {
          advance();
          ev.hi = text(expect(T_NUMBER));
        }
        ev.range = rangeFrom(elem);
        d->values.push_back(std::move(ev));
        if (cur() != T_COMMA) break;
        advance();
      }
      if (cur() == K_IN) {
        advance();
        d->container = expectIdent();
      }
      if (cur() == K_AND) { // `and condition X, Y`: the checker rejects it with a reason
        advance();
        expect(K_CONDITION);
        d->conditions.push_back(expectIdent());
        while (cur() == T_COMMA) {
          advance();
          d->conditions.push_back(expectIdent());
        }
      }
    } else if (cur() == K_CONDITION) {
      advance();
      d->match = ast::FailureRule::Match::Condition;
      d->conditions.push_back(expectIdent());
      while (cur() == T_COMMA) {
        advance();
        d->conditions.push_back(expectIdent());
      }
    } else {
      fail();
    }
    expect(T_ARROW);
    d->action = expectIdent();
    d->range = rangeFrom(start);
    return d;
  }

  // attribute : (IDENT ('.' IDENT)* | STRING) '=' expr ;
  ast::ItemPtr attribute() {
    uint32_t start = here();
    auto d = std::make_unique<ast::Attribute>(SourceRange{});
    if (cur() == T_STRING) {
      const Token s = take();
      d->path.push_back({cook(s), range(s)});
      d->quotedKey = true;
    } else {
      d->path.push_back(expectIdent());
      while (cur() == T_DOT) {
        advance();
        d->path.push_back(expectIdent());
      }
    }
    expect(T_EQ);
    d->value = expr(0);
    d->range = rangeFrom(start);
    return d;
  }

  // declaration
  //   : IDENT words afterClause? ('=' expr)? body?
  //   | IDENT afterClause ('=' expr)? body?
  //   | IDENT body ;
  ast::ItemPtr declaration() {
    uint32_t start = here();
    auto d = std::make_unique<ast::Declaration>(SourceRange{});
    d->keyword = expectIdent();
    if (isWordStart(cur())) words(d->words);
    else if (cur() != K_AFTER && cur() != T_LBRACE) fail();
    if (cur() == K_AFTER) afterClause(d->after);
    // A top-level item the sink drops once it has it: value and body in
    // scratch memory. (On a failure the whole parse is dropped; the
    // scratch memory is reused from the next reset on.)
    std::optional<scratch::Scope> inScratch;
    if (dropper_ && bodyDepth_ == 0 && dropper_->dropsBody(*d)) {
      inScratch.emplace(true);
      scratchItem_ = true;
    }
    if (cur() == T_EQ) {
      advance();
      d->value = expr(0);
    }
    if (cur() == T_LBRACE) d->body = body();
    d->range = rangeFrom(start);
    return d;
  }

  // words : wordGroup (',' wordGroup)* ;  wordGroup : word+ ;
  void words(std::vector<ast::WordGroup> &out) {
    for (;;) {
      ast::WordGroup group;
      do group.push_back(word());
      while (isWordStart(cur()));
      out.push_back(std::move(group));
      // `, word` continues the list (ANTLR's greedy loop): whenever the comma
      // could also end the item, the item after it parses as a continuation.
      if (cur() == T_COMMA && isWordStart(peek(1))) {
        advance();
        continue;
      }
      return;
    }
  }

  // word : IDENT ('.' IDENT)* ('[' expr ']')? | STRING | NUMBER | '-' NUMBER ;
  ast::Word word() {
    uint32_t start = here();
    ast::Word w;
    const Token t = take();
    switch (t.type) {
    case T_STRING:
      w.kind = ast::Word::Kind::String;
      w.text = cook(t);
      break;
    case T_NUMBER:
      w.kind = ast::Word::Kind::Number;
      w.text = text(t);
      break;
    case T_MINUS: {
      w.kind = ast::Word::Kind::Number;
      const Token num = expect(T_NUMBER);
      w.text.reserve(num.end - num.begin + 1);
      w.text += '-';
      w.text.append(s_ + num.begin, num.end - num.begin);
      break;
    }
    default: // T_IDENT
      w.kind = ast::Word::Kind::Name;
      w.text = text(t);
      while (cur() == T_DOT) {
        advance();
        const Token id = expect(T_IDENT);
        w.text += '.';
        w.text.append(s_ + id.begin, id.end - id.begin);
      }
      if (cur() == T_LBRACK) {
        advance();
        w.index = expr(0);
        expect(T_RBRACK);
      }
      break;
    }
    w.range = rangeFrom(start);
    return w;
  }

  // afterClause : KW_AFTER IDENT (',' IDENT)* ;
  void afterClause(std::vector<ast::Ident> &out) {
    advance();
    out.push_back(expectIdent());
    // `, IDENT` may instead be a separator and the start of the next item.
    // ANTLR continues the list unless only the next item can parse: that is
    // when the name is followed by what can only come after a declaration's
    // keyword or an attribute's first name (`.`, a word, `after`).
    while (cur() == T_COMMA && peek(1) == T_IDENT) {
      Tok next = peek(2);
      if (next == T_DOT || isWordStart(next) || next == K_AFTER) return;
      advance();
      out.push_back(ident(take()));
    }
  }

  // ---- expressions

  // Out of line, so that the recursion through primary() keeps a small
  // stack frame.
  [[gnu::noinline]] ast::ExprPtr stringExpr(const Token &t);
  [[gnu::noinline]] ast::ExprPtr interpolation(uint32_t begin, uint32_t end) {
    return Parser(s_, begin, end, file_, nullptr, sh_).interpolation();
  }

  static const char *binaryOp(Tok t) {
    switch (t) {
    case T_STAR: return "*";
    case T_SLASH: return "/";
    case T_PERCENT: return "%";
    case T_PLUS: return "+";
    case T_MINUS: return "-";
    case T_EQEQ: return "==";
    case T_NEQ: return "!=";
    case T_LT: return "<";
    case T_LE: return "<=";
    case T_GT: return ">";
    case T_GE: return ">=";
    case T_ANDAND: case K_AND: return "&&";
    case T_OROR: case K_OR: return "||";
    default: return "?";
    }
  }

  // The precedence of a suffix operator, or -1 (ANTLR's precpred levels).
  static int suffixLevel(Tok op) {
    switch (op) {
    case T_DOT: return 11;
    case T_LPAREN: return 10;
    case T_LBRACK: return 9;
    case T_STAR: case T_SLASH: case T_PERCENT: return 7;
    case T_PLUS: case T_MINUS: return 6;
    case T_DOTDOT: return 5;
    case T_EQEQ: case T_NEQ: case T_LT: case T_LE: case T_GT: case T_GE: return 4;
    case T_ANDAND: case K_AND: return 3;
    case T_OROR: case K_OR: return 2;
    case T_QUESTION: return 1;
    default: return -1;
    }
  }

  // expr, as ANTLR rewrites its left recursion: a primary or a prefix
  // operator (operand at precedence 8), then a loop over suffixes whose
  // precedence is at least `prec`: member 11, call 10, index 9, `* / %` 7,
  // `+ -` 6, `..` 5, comparisons 4, `&&` 3, `||` 2, `?:` 1 (right). The
  // left-associative binary operators parse their right operand one level
  // up, `?:` its last operand at its own level.
  ast::ExprPtr expr(int prec) {
    Depth guard(sh_);
    uint32_t start = here();
    ast::ExprPtr e;
    Tok first = cur();
    if (first == T_MINUS || first == T_BANG || first == K_NOT) {
      advance();
      ast::ExprPtr operand = expr(8);
      e = std::make_unique<ast::UnaryExpr>(rangeFrom(start), first == T_MINUS ? "-" : "!", std::move(operand));
    } else {
      e = primary();
    }
    for (int level; (level = suffixLevel(cur())) >= prec;) e = suffix(start, std::move(e), level);
    return e;
  }

  // One suffix of an expression that began at `start`. Out of line, so that
  // nesting through parentheses and prefix operators keeps small frames.
  [[gnu::noinline]] ast::ExprPtr suffix(uint32_t start, ast::ExprPtr e, int level) {
    Tok op = take().type;
    switch (op) {
    case T_DOT: {
      ast::Ident member = expectIdent();
      return std::make_unique<ast::MemberExpr>(rangeFrom(start), std::move(e), std::move(member));
    }
    case T_LPAREN: return call(start, std::move(e));
    case T_LBRACK: {
      skipNL();
      ast::ExprPtr index = expr(0);
      skipNL();
      expect(T_RBRACK);
      return std::make_unique<ast::IndexExpr>(rangeFrom(start), std::move(e), std::move(index));
    }
    case T_DOTDOT: {
      ast::ExprPtr hi = expr(level + 1);
      return std::make_unique<ast::RangeExpr>(rangeFrom(start), std::move(e), std::move(hi));
    }
    case T_QUESTION: {
      ast::ExprPtr then = expr(0);
      expect(T_COLON);
      ast::ExprPtr otherwise = expr(level);
      return std::make_unique<ast::ConditionalExpr>(rangeFrom(start), std::move(e), std::move(then),
                                                    std::move(otherwise));
    }
    default: {
      ast::ExprPtr rhs = expr(level + 1);
      return std::make_unique<ast::BinaryExpr>(rangeFrom(start), binaryOp(op), std::move(e), std::move(rhs));
    }
    }
  }

  // expr '(' nl* (argument (nl* ',' nl* argument)* (nl* ',')?)? nl* ')' ;
  // argument : (IDENT ':')? expr ;
  ast::ExprPtr call(size_t start, ast::ExprPtr callee) {
    auto c = std::make_unique<ast::CallExpr>(SourceRange{}, std::move(callee));
    skipNL();
    if (cur() != T_RPAREN) {
      for (;;) {
        ast::Argument arg;
        // `name:` names the argument; an expression is never followed by `:`
        // here (a conditional's `:` comes after its `?`).
        if (cur() == T_IDENT && peek(1) == T_COLON) {
          arg.name = ident(take());
          advance();
        }
        arg.value = expr(0);
        c->args.push_back(std::move(arg));
        skipNL();
        if (cur() == T_COMMA) {
          advance();
          skipNL();
          if (cur() == T_RPAREN) break;
          continue;
        }
        break;
      }
    }
    expect(T_RPAREN);
    c->range = rangeFrom(start);
    return c;
  }

  // Literals inline; the bracketed forms out of line (see stringExpr).
  ast::ExprPtr primary() {
    const Token t = *t_;
    switch (t.type) {
    case T_NUMBER: advance(); return std::make_unique<ast::NumberExpr>(range(t), text(t));
    case T_STRING: case T_TEXT_BLOCK: advance(); return stringExpr(t);
    case K_TRUE: advance(); return std::make_unique<ast::BoolExpr>(range(t), true);
    case K_FALSE: advance(); return std::make_unique<ast::BoolExpr>(range(t), false);
    case K_NULL: advance(); return std::make_unique<ast::NullExpr>(range(t));
    case T_IDENT: advance(); return std::make_unique<ast::NameExpr>(range(t), text(t));
    case T_LBRACK: return listLit();
    case T_LBRACE: return mapLit();
    case T_LPAREN: return parenExpr();
    default: fail();
    }
  }

  // '[' nl* (expr (nl* ',' nl* expr)* (nl* ',')?)? nl* ']'
  [[gnu::noinline]] ast::ExprPtr listLit() {
    uint32_t start = here();
    advance();
    auto list = std::make_unique<ast::ListExpr>(SourceRange{});
    skipNL();
    if (cur() != T_RBRACK) {
      for (;;) {
        list->elements.push_back(expr(0));
        skipNL();
        if (cur() == T_COMMA) {
          advance();
          skipNL();
          if (cur() == T_RBRACK) break;
          continue;
        }
        break;
      }
    }
    expect(T_RBRACK);
    list->range = rangeFrom(start);
    return list;
  }

  // '{' nl* (mapEntry (sepInMap mapEntry)* sepInMap?)? nl* '}'
  // mapEntry : (IDENT | STRING) (':' | '=') nl* expr ;  sepInMap : (nl | ',')+ ;
  [[gnu::noinline]] ast::ExprPtr mapLit() {
    uint32_t start = here();
    advance();
    auto map = std::make_unique<ast::MapExpr>(SourceRange{});
    skipNL();
    if (cur() != T_RBRACE) {
      for (;;) {
        ast::MapEntry entry;
        const Token key = *t_;
        if (key.type == T_IDENT) entry.key = ident(key);
        else if (key.type == T_STRING) entry.key = {cook(key), range(key)};
        else fail();
        advance();
        if (cur() != T_COLON && cur() != T_EQ) fail();
        advance();
        skipNL();
        entry.value = expr(0);
        map->entries.push_back(std::move(entry));
        bool separated = false;
        while (cur() == T_NL || cur() == T_COMMA) {
          advance();
          separated = true;
        }
        if (cur() == T_RBRACE) break;
        if (!separated) fail();
      }
    }
    expect(T_RBRACE);
    map->range = rangeFrom(start);
    return map;
  }

  // '(' nl* expr nl* ')' : the inner expression, with its own range.
  [[gnu::noinline]] ast::ExprPtr parenExpr() {
    advance();
    skipNL();
    ast::ExprPtr inner = expr(0);
    skipNL();
    expect(T_RPAREN);
    return inner;
  }

  const char *s_;
  FileId file_;
  std::vector<Token> toks_; // ends with three EOF tokens
  const Token *t_;          // the current token
  uint32_t prevEnd_;
  Shared &sh_;
  std::vector<ast::ItemPtr> pending_; // items of the open bodies (body())
  unsigned bodyDepth_ = 0;             // bodies open: 0 at the top level
  const ast::ItemSink *dropper_ = nullptr; // see file()
  bool scratchItem_ = false;           // the item being made is in scratch memory
};

// Splits a string literal into text and ${…} interpolations exactly as
// Builder::stringExpr does; each interpolation is lexed in place and parsed
// as one expression.
ast::ExprPtr Parser::stringExpr(const Token &t) {
  SourceRange whole = range(t);
  auto str = std::make_unique<ast::StringExpr>(whole);
  bool block = t.type == T_TEXT_BLOCK;
  uint32_t quote = block ? 3 : 1;
  llvm::StringRef inner(s_ + t.begin + quote, t.end - t.begin - 2 * quote);
  uint32_t innerBase = whole.begin + quote;
  // Most strings are plain text (an image, a path): no escape to cook and
  // no `${` to split, so the text is the part as written.
  if (!block && !inner.empty() && std::none_of(inner.begin(), inner.end(), [](char c) { return c == '\\' || c == '$'; })) {
    ast::StringPart part;
    part.range = SourceRange{file_, innerBase, innerBase + (uint32_t)inner.size()};
    part.text = inner.str();
    str->parts.push_back(std::move(part));
    return str;
  }
  std::vector<StringPiece> pieces;
  if (splitStringLiteral(inner, pieces) != llvm::StringRef::npos) fail(); // unterminated `${`
  for (const StringPiece &piece : pieces) {
    ast::StringPart part;
    if (!piece.interpolation) {
      part.range = SourceRange{file_, innerBase + (uint32_t)piece.begin, innerBase + (uint32_t)piece.end};
      part.text = cookRaw(inner.slice(piece.begin, piece.end), part.range);
    } else {
      llvm::StringRef code = inner.slice(piece.begin, piece.end);
      if (code.trim().empty()) fail(); // empty interpolation
      uint32_t codeBase = innerBase + (uint32_t)piece.begin;
      part.range = SourceRange{file_, codeBase - 2, codeBase + (uint32_t)code.size() + 1};
      part.expr = interpolation(codeBase, codeBase + (uint32_t)code.size());
    }
    str->parts.push_back(std::move(part));
  }
  finishStringExpr(*str, inner, block, SourceRange{file_, innerBase, innerBase + (uint32_t)inner.size()});
  return str;
}

// Large files are parsed on several threads. Top-level items are
// independent in the grammar, so the token stream can be cut at separators
// between them: a newline at bracket depth 0 right after a `}` (a body
// ends there, and nothing continues an item across a newline at depth 0 —
// `else` must follow its `}` on the same line). Each part parses as a file
// of its own; their items, in order, are exactly the whole file's items.
// Cut points (indices of separator tokens) splitting toks into about
// `parts` pieces; fewer when the file has too few places to cut.
std::vector<size_t> cutPoints(const std::vector<Token> &toks, size_t parts) {
  std::vector<size_t> cuts;
  size_t n = toks.size() - 3; // without the EOFs
  int depth = 0;
  size_t next = n / parts;
  for (size_t i = 1; i < n && cuts.size() + 1 < parts; ++i) {
    switch (toks[i - 1].type) {
    case T_LBRACE: case T_LPAREN: case T_LBRACK: ++depth; break;
    case T_RBRACE: case T_RPAREN: case T_RBRACK: --depth; break;
    default: break;
    }
    if (i >= next && depth == 0 && toks[i - 1].type == T_RBRACE && toks[i].type == T_NL) {
      cuts.push_back(i);
      next = n * (cuts.size() + 1) / parts;
    }
  }
  return cuts;
}

} // namespace

namespace {

// The nesting bounds of findDeepNesting, counted over the tokens (which are
// at hand) instead of the bytes: the same brackets, operator characters,
// `not`/`and`/`or` and postfix brackets outside strings and comments,
// interpolations included. It never counts less than the byte scan (a
// newline the lexer folds into another token resets nothing here), so a
// file it passes, the byte scan passes too; a file it fails goes back to
// parse(), whose byte scan decides. `elses` carries the count of `else`
// across the parts of a file.
// Whether a string literal has a `${` (memchr for the `$`: most have none).
bool hasInterpolation(llvm::StringRef literal) {
  for (size_t i = literal.find('$'); i != llvm::StringRef::npos; i = literal.find('$', i + 1))
    if (i + 1 < literal.size() && literal[i + 1] == '{') return true;
  return false;
}

// The byte scan's operator characters in the text of each token that is
// always spelled the same (brackets, separators, operators; 0 for the rest).
constexpr std::array<uint8_t, 256> kOperatorCharsOf = [] {
  std::array<uint8_t, 256> n{};
  for (Tok t : {T_EQ, T_DOT, T_PLUS, T_MINUS, T_STAR, T_SLASH, T_PERCENT, T_BANG, T_QUESTION, T_LT, T_GT}) n[t] = 1;
  for (Tok t : {T_ARROW, T_DOTDOT, T_EQEQ, T_NEQ, T_LE, T_GE, T_ANDAND, T_OROR}) n[t] = 2;
  return n;
}();

bool nestsWithinLimits(const char *text, const std::vector<Token> &toks, unsigned limit, unsigned maxOperators,
                       unsigned &elses) {
  unsigned depth = 0;
  OperatorChain chain;
  Tok previous = T_EOF;
  for (const Token &t : toks) {
    Tok before = previous;
    previous = t.type;
    switch (t.type) {
    case T_LBRACE:
      chain.openBrace();
      if (++depth > limit) return false;
      break;
    case T_LPAREN:
    case T_LBRACK:
      // A call or index applied to a bracketed expression (`f(x)(y)`,
      // `a[0][1]`) wraps the chain before it: an operator too.
      if ((before == T_RPAREN || before == T_RBRACK) && !chain.add(1, maxOperators)) return false;
      chain.openBracket();
      if (++depth > limit) return false;
      break;
    case K_NOT:
    case K_AND:
    case K_OR:
      if (!chain.add(1, maxOperators)) return false;
      break;
    case T_RBRACE:
      chain.closeBrace();
      if (depth > 0) --depth;
      break;
    case T_RPAREN:
    case T_RBRACK:
      chain.closeBracket();
      if (depth > 0) --depth;
      break;
    case T_NL:
    case T_SEMI:
      chain.lineEnd();
      break;
    case T_COMMA:
      chain.comma();
      break;
    case K_ELSE:
      if (++elses > maxOperators) return false;
      break;
    case T_STRING:
    case T_TEXT_BLOCK: {
      llvm::StringRef literal(text + t.begin, t.end - t.begin);
      if (hasInterpolation(literal) &&
          findDeepInterpolation(literal, depth, chain.count(), limit, maxOperators) != llvm::StringRef::npos)
        return false;
      break;
    }
    case T_NUMBER:
      // Numbers (`1.5`, `10Gi/s`) hold operator characters, one count per
      // character as in the byte scan.
      for (uint32_t i = t.begin; i < t.end; ++i)
        if (isNestingOperatorChar(text[i]) && !chain.add(1, maxOperators)) return false;
      break;
    default:
      // Names and keywords hold no operator characters; every other token
      // is always the same text, whose count is in the table.
      if (!chain.add(kOperatorCharsOf[t.type], maxOperators)) return false;
    }
  }
  return true;
}

// Large files are lexed and parsed in parts on every core, cut in the text
// itself: right after a line that is only `}` and before a line that starts
// with a name (`deployment web {`), which in a formatted file is where one
// top-level item ends and the next begins. The cut is only a guess until
// every part has been lexed and parsed on its own:
// - a cut inside a block comment or text block leaves the part before it
//   unterminated, and a cut inside a block leaves it unbalanced; either way
//   that part fails;
// - when every part succeeds, each ended between tokens and between items,
//   where a single pass is in the same state (no open bracket, operator
//   chain reset by the newline), so lexing each part from its start gives
//   that pass's tokens, and the nesting bounds can be counted per part.
// Returns nullopt when the file is too small to split, has no such lines,
// or any part fails; fastParse then lexes it whole and cuts the tokens.
std::optional<ast::File> parseInTextParts(llvm::StringRef text, uint32_t begin, FileId file,
                                          const FastParseOptions &opts) {
  size_t bytes = text.size() - begin, perThread = std::max<size_t>(opts.bytesPerThread, 1);
  size_t threads = std::min<size_t>(threadCount(opts.threads), bytes / perThread);
  if (threads < 2) return std::nullopt;
  // Parts of about bytesPerPart each, taken by the threads in turn as each
  // gets free: one part's tokens (three bytes per byte of text) live at a
  // time per thread, in one reused buffer, and a thread that runs slower
  // (a busier core) simply parses fewer parts instead of holding up the
  // rest. Fresh memory is what costs most here (the kernel zeroes every
  // page first touched).
  size_t perPart = std::max<size_t>(std::min(opts.bytesPerPart, perThread), 1);
  size_t parts = std::max(threads, bytes / perPart);
  std::vector<uint32_t> cuts{begin};
  for (size_t k = 1; k < parts; ++k) {
    size_t at = nextItemBoundary(text, std::max<size_t>(begin + bytes * k / parts, cuts.back()));
    if (at == llvm::StringRef::npos) break;
    cuts.push_back(static_cast<uint32_t>(at));
  }
  cuts.push_back(static_cast<uint32_t>(text.size()));
  size_t used = cuts.size() - 1;
  if (used < 2) return std::nullopt;
  threads = std::min(threads, used);
  std::vector<std::vector<ast::ItemPtr>> items(used);
  std::vector<std::vector<ast::Comment>> comments(used);
  std::vector<unsigned> elses(used, 0);
  std::vector<char> handedOver(used, 0), failed(used, 0);
  std::atomic<bool> anyFailed{false};
  // The item sink is asked about each part's text just before the part is
  // parsed, and gets its items while it has accepted every part asked so
  // far. There is no waiting for a verdict on the whole file first: a
  // thread that waits for another is woken late (on this kind of virtual
  // machine a sleeping core takes milliseconds to run again), and the
  // verdict is nearly always yes. When a part is declined, the parts
  // already handed over are parsed again below without the sink.
  ast::ItemSink *sink = opts.itemSink;
  std::atomic<bool> sinkDeclined{false};
  std::atomic<size_t> nextPart{0};
  // Parses part k into items[k], comments[k] and elses[k]; false if it
  // failed (the whole file then takes the other path).
  auto parsePart = [&](size_t t, size_t k, bool handOver, std::vector<Token> &toks) {
    try {
      toks.clear();
      lexAll(text.data(), cuts[k], cuts[k + 1], file, &comments[k], toks);
      if (!nestsWithinLimits(text.data(), toks, opts.maxNesting, opts.maxOperators, elses[k])) fail();
      Shared shared;
      Parser parser(text.data(), toks.data(), cuts[k], file, shared);
      if (handOver) {
        sink->beginPart(t, k);
        parser.file(items[k], [&](ast::Item &it) { sink->item(t, k, it); }, sink);
        sink->endPart(t, k);
      } else {
        parser.file(items[k]);
      }
      return true;
    } catch (Fail &) {
      failed[k] = 1;
      anyFailed.store(true, std::memory_order_relaxed);
      return false;
    }
  };
  if (sink) sink->beginFile(file, used, threads, bytes);
  // Each thread's token buffer, sized once for the largest part (lexAll
  // reserves a quarter of the text): sized for its first part, a larger
  // later part took a second buffer of fresh memory.
  uint32_t largestPart = 0;
  for (size_t k = 0; k < used; ++k) largestPart = std::max(largestPart, cuts[k + 1] - cuts[k]);
  runParts(threads, [&](size_t t) {
    std::vector<Token> toks;
    toks.reserve(largestPart / 4 + 16);
    for (size_t k; !anyFailed.load(std::memory_order_relaxed) &&
                   (k = nextPart.fetch_add(1, std::memory_order_relaxed)) < used;) {
      bool handOver = false;
      if (sink && !sinkDeclined.load(std::memory_order_relaxed)) {
        handOver = sink->acceptsText(text.slice(cuts[k], cuts[k + 1]));
        if (!handOver) sinkDeclined.store(true, std::memory_order_relaxed);
      }
      handedOver[k] = handOver;
      if (!parsePart(t, k, handOver, toks)) return;
    }
  });
  unsigned totalElses = 0;
  for (unsigned e : elses) totalElses += e;
  bool ok = !anyFailed.load() && totalElses <= opts.maxOperators;
  bool declined = sinkDeclined.load();
  if (sink) sink->endFile(file, ok && !declined);
  // The parts kept: all of them, or on a failure those before the first
  // part that failed. Parts are taken in order and a thread takes no new
  // one once any has failed, so every part before that one was parsed, and
  // parsed whole.
  size_t kept = used;
  if (!ok) {
    kept = 0;
    if (opts.prefix && anyFailed.load())
      while (!failed[kept]) ++kept;
    if (kept == 0) return std::nullopt;
  }
  if (declined || kept < used) {
    // The sink may have taken what it needed of the handed-over parts'
    // items (their bodies): parse those parts again, keeping everything.
    std::vector<size_t> again;
    for (size_t k = 0; k < kept; ++k)
      if (handedOver[k]) {
        items[k].clear();
        comments[k].clear();
        elses[k] = 0; // counted again by the re-parse
        again.push_back(k);
      }
    std::atomic<size_t> nextAgain{0};
    if (!again.empty()) runParts(std::min(threads, again.size()), [&](size_t t) {
      std::vector<Token> toks;
      for (size_t i; (i = nextAgain.fetch_add(1, std::memory_order_relaxed)) < again.size();)
        if (!parsePart(t, again[i], false, toks)) return;
    });
    for (size_t k : again)
      if (failed[k]) return std::nullopt; // cannot happen: the same text parsed before
  }
  if (kept < used) {
    FastParsePrefix &prefix = *opts.prefix;
    prefix.end = cuts[kept];
    for (size_t k = 0; k < kept; ++k) {
      prefix.elses += elses[k];
      for (ast::ItemPtr &it : items[k]) prefix.items.push_back(std::move(it));
      for (ast::Comment &c : comments[k]) prefix.comments.push_back(std::move(c));
    }
    return std::nullopt;
  }
  if (opts.partsUsed) *opts.partsUsed = used;
  ast::File out;
  out.id = file;
  size_t total = 0;
  for (auto &part : items) total += part.size();
  out.items.reserve(total);
  for (auto &part : items)
    for (ast::ItemPtr &it : part) out.items.push_back(std::move(it));
  for (auto &part : comments)
    for (ast::Comment &c : part) out.comments.push_back(std::move(c));
  return out;
}

} // namespace

size_t nextItemBoundary(llvm::StringRef text, size_t from) {
  size_t at = findInText(text, "\n}\n", from);
  while (at != llvm::StringRef::npos && !(at + 3 < text.size() && isLetterOrUnderscore(text[at + 3])))
    at = findInText(text, "\n}\n", at + 1);
  return at == llvm::StringRef::npos ? at : at + 3;
}

std::optional<ast::File> fastParse(const SourceManager &sm, FileId file, const FastParseOptions &opts) {
  llvm::StringRef text = sm.text(file);
  if (text.size() >= UINT32_MAX - 8) return std::nullopt;
  // A UTF-8 byte order mark at the start of the file is skipped, as the
  // ANTLR path does (a mark anywhere else, e.g. at the start of an
  // interpolation, is an invalid character for both); so is a doubled one.
  uint32_t begin = text.startswith("\xEF\xBB\xBF") ? 3 : 0;
  if (text.substr(begin).startswith("\xEF\xBB\xBF")) begin += 3;
  ast::File out;
  out.id = file;
  if (std::optional<ast::File> split = parseInTextParts(text, begin, file, opts)) return split;
  // A part failed: the text before it is parsed already (and is where a
  // single pass would be between items), so only the rest is parsed again,
  // in one pass. A part can fail on a cut the file's text fooled (inside a
  // comment or text block) when the whole is fine.
  FastParsePrefix *prefix = opts.prefix && opts.prefix->end > 0 ? opts.prefix : nullptr;
  if (prefix) begin = prefix->end;
  std::vector<Token> toks;
  try {
    lexAll(text.data(), begin, (uint32_t)text.size(), file, &out.comments, toks);
  } catch (Fail &) {
    return std::nullopt;
  }
  unsigned elses = prefix ? prefix->elses : 0;
  if (!nestsWithinLimits(text.data(), toks, opts.maxNesting, opts.maxOperators, elses)) return std::nullopt;
  size_t threads = std::min(threadCount(opts.threads), toks.size() / std::max<size_t>(opts.tokensPerThread, 1) + 1);
  std::vector<size_t> cuts = threads > 1 ? cutPoints(toks, threads) : std::vector<size_t>{};
  // Part p is toks[first[p], last[p]) followed by EOFs.
  std::vector<size_t> first{0}, last;
  for (size_t c : cuts) {
    last.push_back(c);
    first.push_back(c + 1);
  }
  last.push_back(toks.size() - 3);
  size_t parts = first.size();
  if (opts.partsUsed) *opts.partsUsed = parts;
  std::vector<std::vector<ast::ItemPtr>> items(parts);
  std::vector<char> failed(parts, 0);
  auto parsePart = [&](size_t p) {
    try {
      Shared shared;
      uint32_t prevEnd = p == 0 ? begin : toks[first[p] - 1].end;
      if (p + 1 == parts) {
        Parser(text.data(), toks.data() + first[p], prevEnd, file, shared).file(items[p]);
        return;
      }
      // A copy of the part, ended by EOFs like a file of its own.
      Token eof{toks[last[p]].begin, toks[last[p]].begin, T_EOF};
      std::vector<Token> own(toks.begin() + first[p], toks.begin() + last[p]);
      own.insert(own.end(), 3, eof);
      Parser(text.data(), own.data(), prevEnd, file, shared).file(items[p]);
    } catch (Fail &) {
      failed[p] = 1;
    }
  };
  runParts(parts, parsePart);
  if (std::find(failed.begin(), failed.end(), 1) != failed.end()) return std::nullopt;
  size_t total = 0;
  for (auto &part : items) total += part.size();
  if (prefix) {
    // The prefix's items and comments first.
    total += prefix->items.size();
    std::vector<ast::Comment> rest = std::move(out.comments);
    out.comments = std::move(prefix->comments);
    out.comments.insert(out.comments.end(), std::make_move_iterator(rest.begin()), std::make_move_iterator(rest.end()));
    out.items = std::move(prefix->items);
    *prefix = FastParsePrefix{};
  }
  out.items.reserve(total);
  for (auto &part : items)
    for (ast::ItemPtr &it : part) out.items.push_back(std::move(it));
  return out;
}

} // namespace rig
