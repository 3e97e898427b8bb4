// The Strata grammar: application as a flat `select select*`, operators as one flat list
// (precedence is applied by the AST builder), lambda/let/if/assert only at the expression
// level, list elements are selections. Without #labels: the AST builder
// (compiler/syntax/ast_builder.cpp) tells alternatives apart by their first token.
//
// Precedence, tightest first: select (`.`, `or`) > application > unary `-` > `?` > `++` >
// `* /` > `+ -` > `!` > `//` > `< <= > >=` > `== !=` > `&&` > `||` > `->` > `|>`.
// `++`, `//` and `->` group to the right, the others to the left.
// Lambdas, let, if, assert (and the unsupported `with`) only at the expression level.
parser grammar StrataParser;

options { tokenVocab = StrataLexer; }

file : expr EOF ;
typeFile : type EOF ;

expr
  : ID COLON expr
  | pattern COLON expr
  | LET binding* IN expr
  | IF expr THEN expr ELSE expr
  | ASSERT expr SEMI expr
  | WITH expr SEMI expr
  | opExpr
  ;

pattern
  : LBRACE patternFields RBRACE (AT ID)?
  | ID AT LBRACE patternFields RBRACE
  ;
patternFields : (patternField COMMA)* (patternField | ELLIPSIS)? ;
patternField : ID (DCOLON type)? (QUESTION expr)? ;

binding
  : attrPath (DCOLON type)? EQ expr SEMI
  | INHERIT (LPAREN expr RPAREN)? attr* SEMI
  ;
attrPath : attr (DOT attr)* ;
attr : ID | string | DOLLAR_BRACE expr RBRACE ;

// All prefix, binary and `?` operators as one flat list; the AST builder applies the
// precedence table above (fewer rule levels per operand: much faster, and no recursion).
opExpr
  : (MINUS | BANG)* app
    ( ( PIPE | IMPL | OROR | ANDAND | EQEQ | NEQ | LT | LE | GT | GE | UPDATE | CONCAT
      | PLUS | MINUS | STAR | SLASH ) (MINUS | BANG)* app
    | QUESTION attrPath
    )*
  ;
app : select select* ;
select : primary (DOT attrPath (OR_KW select)?)? ;

primary
  : ID
  | INT
  | FLOAT
  | TRUE
  | FALSE
  | PATH
  | STD_PATH
  | LABEL
  | string
  | indString
  | LPAREN expr (DCOLON type)? RPAREN
  | LBRACE binding* RBRACE
  | REC LBRACE binding* RBRACE
  | LBRACK select* RBRACK
  | IMPORT primary
  ;

string : STRING | STRING_OPEN stringPart* STR_END ;
stringPart : STR_TEXT | STR_DOLLAR | STR_BACKSLASH | STR_INTERP expr RBRACE ;
indString : IND_OPEN indPart* IND_END ;
indPart : IND_TEXT | IND_QUOTE | IND_DOLLAR | IND_ESCAPE | IND_INTERP expr RBRACE ;

// Types: `Int`, `a`, `List T`, `T -> U` (right associative), `{ a :: T; ... }`.
type : typeApp (IMPL type)? ;
typeApp : typeAtom+ ;
typeAtom
  : ID
  | LPAREN type RPAREN
  | LBRACE (typeField SEMI)* (typeField | ELLIPSIS)? RBRACE
  ;
typeField : ID DCOLON type ;
