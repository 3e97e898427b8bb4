// The Strata lexer: tokens, and modes for the inside of "..." and ''...'' strings.
//
// The parser feeds it one code point per BYTE of the source (see compiler/syntax/parser.cpp),
// so token indices are byte offsets and invalid UTF-8 cannot trip the runtime's decoder.
// `{` pushes and `}` pops the default mode, so the `}` that closes a `${` returns to the
// string it interrupted. Unterminated strings and comments are recorded here and reported by
// the parser where they start.
lexer grammar StrataLexer;

@header {
#include <vector>
}

@members {
 public:
  // Start offsets of the strings that are still open, outermost first.
  std::vector<size_t> open_strings;
  // Start offset of the first unterminated block comment, or -1.
  size_t unterminated_comment = static_cast<size_t>(-1);
  // The formatter keeps comments (on the hidden channel); the parser's path drops them, so
  // its token stream and speed are what they were.
  bool keep_comments = false;

 private:
  void OpenString(size_t string_mode) {
    open_strings.push_back(tokenStartCharIndex);
    pushMode(string_mode);
  }
  void CloseString() {
    if (!open_strings.empty()) open_strings.pop_back();
    if (!modeStack.empty()) popMode();
  }
  void CloseBrace() {
    if (!modeStack.empty()) popMode();  // a stray `}` at top level is a parse error, not a crash
  }
  void BlockComment() {
    std::string text = getText();
    bool closed = text.size() >= 4 && text.compare(text.size() - 2, 2, "*/") == 0;
    if (!closed && unterminated_comment == static_cast<size_t>(-1))
      unterminated_comment = tokenStartCharIndex;
    Comment();
  }
  void Comment() {
    if (keep_comments) setChannel(HIDDEN); else skip();
  }
  // The type of the last token on the default channel: a LABEL is lexed only after `import`.
  size_t last_type_ = 0;

 public:
  std::unique_ptr<antlr4::Token> nextToken() override {
    std::unique_ptr<antlr4::Token> token = antlr4::Lexer::nextToken();
    if (token->getChannel() == antlr4::Token::DEFAULT_CHANNEL) last_type_ = token->getType();
    return token;
  }
}

LINE_COMMENT : '#' ~[\r\n]* { Comment(); } ;
BLOCK_COMMENT : '/*' .*? ('*/' | EOF) { BlockComment(); } ;
WS : [ \t\r\n\f]+ -> skip ;

LET : 'let' ;
IN : 'in' ;
IF : 'if' ;
THEN : 'then' ;
ELSE : 'else' ;
ASSERT : 'assert' ;
INHERIT : 'inherit' ;
IMPORT : 'import' ;
OR_KW : 'or' ;
TRUE : 'true' ;
FALSE : 'false' ;
WITH : 'with' ;  // reserved: reported as unsupported (scoping is static)
REC : 'rec' ;    // reserved: reported as unsupported (use let)

ID : [a-zA-Z_] [a-zA-Z0-9_]* ;
INT : [0-9]+ ;
// Recognised only to say that Strata has no floating-point numbers (else `1.5` is `1`, `.5`).
FLOAT : [0-9]+ '.' [0-9]+ ([eE] [+-]? [0-9]+)? ;
// `a/b` is a path, as in Nix: division needs spaces. The part before the first `/` is `.`,
// `..` or a plain name, never a run of `-+.`: that keeps lexing linear on `1+1+1...`.
PATH : ('.' '.'? | [a-zA-Z0-9_]+)? ('/' PATH_CHAR+)+ ;
STD_PATH : '<' PATH_CHAR+ ('/' PATH_CHAR+)* '>' ;
// `import //libs/base`: a workspace package. Only right after `import` (elsewhere `//` is
// record update, and `a //b` must stay one), so the predicate looks at the previous token.
// It stands after the `//`, never first: ANTLR caches no DFA state reached through a
// predicate, and one at the start of a rule is in the closure of the mode's start state, so
// every token of every file was lexed by ATN simulation (10x slower; issue 14). Here only
// `//` tokens are.
LABEL : '//' { last_type_ == IMPORT }? (PATH_CHAR+ ('/' PATH_CHAR+)*)? ;

// A string without `${` is one token; one with interpolation opens the STR mode. As in Nix,
// `$$` is plain text taken as a pair, so `$${x}` is the text `$${x}`, not an interpolation.
STRING : '"' (~["\\$] | '\\' . | '$' ~["\\{] | '$' '\\' .)* '$'? '"' ;
STRING_OPEN : '"' { OpenString(STR); } ;
IND_OPEN : '\'\'' { OpenString(IND); } ;
DOLLAR_BRACE : '${' { pushMode(DEFAULT_MODE); } ;
LBRACE : '{' { pushMode(DEFAULT_MODE); } ;
RBRACE : '}' { CloseBrace(); } ;

PIPE : '|>' ;
IMPL : '->' ;
OROR : '||' ;
ANDAND : '&&' ;
EQEQ : '==' ;
NEQ : '!=' ;
LE : '<=' ;
GE : '>=' ;
LT : '<' ;
GT : '>' ;
UPDATE : '//' ;
CONCAT : '++' ;
PLUS : '+' ;
MINUS : '-' ;
STAR : '*' ;
SLASH : '/' ;
BANG : '!' ;
QUESTION : '?' ;
ELLIPSIS : '...' ;
DOT : '.' ;
COMMA : ',' ;
SEMI : ';' ;
DCOLON : '::' ;
COLON : ':' ;
EQ : '=' ;
AT : '@' ;
LPAREN : '(' ;
RPAREN : ')' ;
LBRACK : '[' ;
RBRACK : ']' ;

// Anything else (a UTF-8 sequence stays one token) becomes a parse error, never a lexer abort.
ERROR_CHAR : [\u0080-\u00FF]+ | . ;

fragment PATH_CHAR : [a-zA-Z0-9._\-+] ;

mode STR;
STR_END : '"' { CloseString(); } ;
STR_INTERP : '${' { pushMode(DEFAULT_MODE); } ;
STR_TEXT : (~["\\$] | '\\' . | '$' ~["\\{])+ ;
STR_DOLLAR : '$' ;
STR_BACKSLASH : '\\' ;  // only before the end of the file

mode IND;
IND_END : '\'\'' { CloseString(); } ;
IND_ESCAPE : '\'\'\'' | '\'\'$' | '\'\'\\' . ;
IND_INTERP : '${' { pushMode(DEFAULT_MODE); } ;
IND_TEXT : (~['$] | '$' ~['{])+ ;
IND_QUOTE : '\'' ;
IND_DOLLAR : '$' ;
