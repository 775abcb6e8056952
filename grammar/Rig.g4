// The rig grammar. It is deliberately generic: most of the surface is one
// `declaration` shape (keyword, words, `after` list, `= value`, `{ body }`),
// so later features extend the checker, not the grammar, and the parser can
// recover from errors at every newline. Only the forms whose punctuation is
// their own (imports, let, templates, for, if, failure rules) get rules.
// Newlines separate items; inside (), [] and map literals they are free.
grammar Rig;

file : sep* (item (sep+ item)*)? sep* EOF ;

sep : NL | ';' | ',' ;

// The expression inside a string's `${…}`, parsed on its own. (Starting at
// `expr` directly would enter a left-recursive rule with no parent context,
// which the C++ runtime's error recovery does not survive.)
interpolation : nl* expr nl* EOF ;

item
  : importDecl
  | letDecl
  | templateDecl
  | forItem
  | ifItem
  | failureRule
  | attribute
  | declaration
  ;

importDecl   : KW_IMPORT STRING (KW_AS IDENT)? ;
letDecl      : KW_LET IDENT (':' typeRef)? '=' expr ;
templateDecl : KW_TEMPLATE IDENT '(' nl* (param (nl* ',' nl* param)* (nl* ',')?)? nl* ')' (':' IDENT)? body ;
param        : IDENT ':' typeRef ('=' expr)? ;
typeRef      : IDENT ('[' typeRef ']')? ;
forItem      : KW_FOR IDENT (',' IDENT)? KW_IN expr body ;
ifItem       : KW_IF expr body (KW_ELSE (ifItem | body))? ;

// on exit 137 in processor => fail_job
// on exit not in 0, 1..10 => count
// on condition DisruptionTarget => ignore
// `on exit 137 and condition X` parses so that the checker can say why the
// API rejects a rule with both exit codes and conditions.
failureRule  : KW_ON ruleMatch '=>' IDENT ;
ruleMatch
  : KW_EXIT KW_NOT? KW_IN? valueSet (KW_IN IDENT)? (KW_AND KW_CONDITION IDENT (',' IDENT)*)?    # exitMatch
  | KW_CONDITION IDENT (',' IDENT)*          # conditionMatch
  ;
valueSet     : valueElem (',' valueElem)* ;
valueElem    : NUMBER ('..' NUMBER)? ;

attribute    : (IDENT ('.' IDENT)* | STRING) '=' expr ;

// keyword words* [after a, b] [= value] [{ body }]
declaration
  : IDENT words afterClause? ('=' expr)? body?
  | IDENT afterClause ('=' expr)? body?
  | IDENT body
  ;
words        : wordGroup (',' wordGroup)* ;
wordGroup    : word+ ;
word
  : IDENT ('.' IDENT)* ('[' expr ']')?
  | STRING
  | NUMBER
  | '-' NUMBER
  ;
afterClause  : KW_AFTER IDENT (',' IDENT)* ;

body         : '{' sep* (item (sep+ item)*)? sep* '}' ;

expr
  : primary                                             # primaryExpr
  | expr '.' IDENT                                      # memberExpr
  | expr '(' nl* (argument (nl* ',' nl* argument)* (nl* ',')?)? nl* ')'  # callExpr
  | expr '[' nl* expr nl* ']'                           # indexExpr
  | op=('-' | '!' | KW_NOT) expr                           # unaryExpr
  | expr op=('*' | '/' | '%') expr                      # binaryExpr
  | expr op=('+' | '-') expr                            # binaryExpr
  | expr '..' expr                                      # rangeExpr
  | expr op=('==' | '!=' | '<' | '<=' | '>' | '>=') expr  # binaryExpr
  | expr op=('&&' | KW_AND) expr                           # binaryExpr
  | expr op=('||' | KW_OR) expr                            # binaryExpr
  | <assoc=right> expr '?' expr ':' expr                # conditionalExpr
  ;

argument     : (IDENT ':')? expr ;

primary
  : NUMBER                                              # numberLit
  | (STRING | TEXT_BLOCK)                               # stringLit
  | (KW_TRUE | KW_FALSE)                                      # boolLit
  | KW_NULL                                                # nullLit
  | IDENT                                               # nameRef
  | '[' nl* (expr (nl* ',' nl* expr)* (nl* ',')?)? nl* ']'  # listLit
  | '{' nl* (mapEntry (sepInMap mapEntry)* sepInMap?)? nl* '}'  # mapLit
  | '(' nl* expr nl* ')'                                # parenExpr
  ;
mapEntry     : (IDENT | STRING) (':' | '=') nl* expr ;
sepInMap     : (nl | ',')+ ;
nl           : NL ;

// ---- lexer ----
KW_IMPORT    : 'import' ;
KW_AS        : 'as' ;
KW_LET       : 'let' ;
KW_TEMPLATE  : 'template' ;
KW_FOR       : 'for' ;
KW_IN        : 'in' ;
KW_IF        : 'if' ;
KW_ELSE      : 'else' ;
KW_ON        : 'on' ;
KW_EXIT      : 'exit' ;
KW_CONDITION : 'condition' ;
KW_NOT       : 'not' ;
KW_AND       : 'and' ;
KW_OR        : 'or' ;
KW_AFTER     : 'after' ;
KW_TRUE      : 'true' ;
KW_FALSE     : 'false' ;
KW_NULL      : 'null' ;

// A number with an optional unit glued to it: 8080, 500m, 512Mi, 1.5Gi,
// 30s, 900GB/s. Malformed forms such as 1.5.3Gi lex as one token so the
// checker can say what is wrong with the whole thing.
NUMBER    : DIGIT+ ('.' DIGIT+)* [a-zA-Z_]* ('/' [a-zA-Z]+)? ;
IDENT     : [a-zA-Z_] [a-zA-Z0-9_]* ;
// """…""" spans lines; the common indentation is removed (see parse.cpp).
TEXT_BLOCK : '"""' .*? '"""' ;
STRING    : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* '"' ;
UNTERMINATED_STRING : '"' ( '\\' ~[\r\n] | ~["\\\r\n] )* ;

LINE_COMMENT  : ('//' | '#') ~[\r\n]* -> channel(HIDDEN) ;
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN) ;
NL        : ('\r'? '\n')+ ;
WS        : [ \t\f]+ -> skip ;
LINE_CONT : '\\' '\r'? '\n' -> skip ;

LBRACE : '{' ; RBRACE : '}' ; LPAREN : '(' ; RPAREN : ')' ; LBRACK : '[' ; RBRACK : ']' ;
EQ : '=' ; ARROW : '=>' ; COLON : ':' ; COMMA : ',' ; SEMI : ';' ; DOT : '.' ; DOTDOT : '..' ;
PLUS : '+' ; MINUS : '-' ; STAR : '*' ; SLASH : '/' ; PERCENT : '%' ; BANG : '!' ; QUESTION : '?' ;
EQEQ : '==' ; NEQ : '!=' ; LT : '<' ; LE : '<=' ; GT : '>' ; GE : '>=' ; ANDAND : '&&' ; OROR : '||' ;

ERROR_CHAR : . ;

fragment DIGIT : [0-9] ;
