# Makes a generated ANTLR recognizer build its static tables (the deserialised ATN, the DFA
# cache, the token names) on its first construction instead of at program start: ANTLR 4.9's
# C++ target runs `Initializer` from a static object, so every `strata` process paid for the
# lexer's and the parser's ATNs (~3% of a warm no-op's samples and their heap page faults,
# issue 14) even when the parse cache answers or no file is parsed (`--version`). The
# constructor's function-local static is thread-safe; the patterns are checked, so an ANTLR
# whose output differs fails the build here instead of silently loading eagerly again.
#   cmake -DFILE=StrataLexer.cpp -DCLASS=StrataLexer -P lazy_atn.cmake
file(READ "${FILE}" text)
set(eager "${CLASS}::Initializer ${CLASS}::_init;")
string(FIND "${text}" "${eager}" at)
if(at EQUAL -1)
  message(FATAL_ERROR "lazy_atn.cmake: no '${eager}' in ${FILE}")
endif()
string(REPLACE "${eager}" "// ${CLASS}::_init is built on first construction (grammar/lazy_atn.cmake)."
       text "${text}")
set(constructor "(${CLASS}::${CLASS}\\([A-Za-z]+ \\*input\\) : [A-Za-z]+\\(input\\) {)")
string(REGEX MATCH "${constructor}" found "${text}")
if(NOT found)
  message(FATAL_ERROR "lazy_atn.cmake: no constructor ${CLASS}::${CLASS}(... *input) in ${FILE}")
endif()
string(REGEX REPLACE "${constructor}" "\\1\n  static Initializer initializer;\n  (void)initializer;"
       text "${text}")
file(WRITE "${FILE}" "${text}")
