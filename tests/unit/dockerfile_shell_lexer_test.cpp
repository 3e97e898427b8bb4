// The BuildKit-compatible shell lexer against BuildKit's own data-driven cases and ours.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "compiler/dockerfile/shell_lexer.h"
#include "compiler/dockerfile/shell_pattern.h"
#include "tests/unit/test_support.h"

namespace strata::dockerfile {
namespace {

using testing::CorpusDir;

std::string Trim(const std::string& s, bool right = true) {
  size_t b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  size_t e = right ? s.find_last_not_of(" \t") + 1 : s.size();
  return s.substr(b, e - b);
}

std::vector<std::string> SplitOn(const std::string& s, char sep) {
  std::vector<std::string> parts;
  std::string part;
  std::istringstream in(s);
  while (std::getline(in, part, sep)) parts.push_back(part);
  if (!s.empty() && s.back() == sep) parts.push_back("");
  return parts;
}

ShellEnv EnvVarTestEnv() {
  return {{"PWD", "/home"}, {"SHELL", "bash"}, {"KOREAN", "한국어"}, {"NULL", ""}};
}

// Runs envVarTest-format lines (`PLATFORM | INPUT | EXPECTED`); returns the number of cases.
int RunEnvVarCases(std::istream& in) {
  ShellLexer lexer('\\');
  ShellEnv env = EnvVarTestEnv();
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    std::vector<std::string> fields = SplitOn(line, '|');
    REQUIRE(fields.size() == 3);
    std::string platform = Trim(fields[0]), source = Trim(fields[1]), expected = Trim(fields[2]);
    if (platform != "A" && platform != "U") continue;
    ShellResult result = lexer.ProcessWord(source, env);
    INFO("input: " << source << "  error: " << result.error);
    if (expected == "error") {
      CHECK_FALSE(result.ok);
    } else {
      CHECK(result.ok);
      CHECK(result.word == expected);
    }
    ++count;
  }
  return count;
}

// Runs wordsTest-format lines (`INPUT | W1,W2`, `ENV k=v`).
int RunWordsCases(std::istream& in) {
  ShellLexer lexer('\\');
  ShellEnv env;
  std::string line;
  int count = 0;
  while (std::getline(in, line)) {
    if (Trim(line).empty() || Trim(line)[0] == '#') continue;
    if (line.rfind("ENV ", 0) == 0) {
      std::string kv = Trim(line.substr(3), false);
      size_t eq = kv.find('=');
      env[kv.substr(0, eq)] = kv.substr(eq + 1);
      continue;
    }
    std::vector<std::string> fields = SplitOn(line, '|');
    REQUIRE(fields.size() == 2);
    std::string source = Trim(fields[0]);
    std::string expected_text = Trim(fields[1], false);
    ShellResult result = lexer.ProcessWords(source, env);
    INFO("input: " << source << "  error: " << result.error);
    if (expected_text == "error") {
      CHECK_FALSE(result.ok);
    } else {
      CHECK(result.ok);
      CHECK(result.words == SplitOn(expected_text, ','));
    }
    ++count;
  }
  return count;
}

}  // namespace

TEST_CASE("shell lexer passes BuildKit's envVarTest and wordsTest corpus", "[dockerfile][shell]") {
  std::filesystem::path dir = CorpusDir() / "dockerfile-shell";
  if (!std::filesystem::exists(dir)) {
    WARN("corpus folder " << dir.string() << " is absent: only the project's own cases run");
    return;
  }
  std::ifstream env_cases(dir / "envVarTest");
  CHECK(RunEnvVarCases(env_cases) > 200);
  std::ifstream word_cases(dir / "wordsTest");
  CHECK(RunWordsCases(word_cases) > 20);
}

TEST_CASE("shell lexer: the project's own envVarTest-style cases", "[dockerfile][shell]") {
  std::istringstream cases(R"(
A|plain                    |   plain
A|a'b c'd                  |   ab cd
A|"$PWD/x"                 |   /home/x
A|${PWD}x                  |   /homex
A|${NOPE:-d"e f"g}         |   de fg
A|${NULL-set}              |
A|${NULL:-unset}           |   unset
A|${PWD+yes}               |   yes
A|${NOPE+yes}              |
A|${NOPE?}                 |   error
A|${NOPE:?custom message}  |   error
A|${PWD#/}                 |   home
A|${PWD#*o}                |   me
A|${PWD##*o}               |   me
A|${PWD%e}                 |   /hom
A|${PWD%o*}                |   /h
A|${PWD%%o*}               |   /h
A|${PWD/o/0}               |   /h0me
A|${SHELL//a/A}            |   bAsh
A|${SHELL/[ab]/X}          |   Xash
A|${SHELL/?/X}             |   Xash
A|${SHELL:#b}              |   error
A|${SHELL#\q}              |   error
A|x\                       |   x
A|\$x                      |   $x
A|$                        |   $
A|${                       |   error
A|"${KOREAN}"              |   한국어
)");
  CHECK(RunEnvVarCases(cases) == 28);
}

TEST_CASE("shell lexer: the project's own word-splitting cases", "[dockerfile][shell]") {
  std::istringstream cases(R"(
a b   c | a,b,c
ENV v=x  y
pre${v}post | prex,ypost
"pre${v}post" | prex  ypost
'$v' $v | $v,x,y
a\ b | a b
"" | 
)");
  // The last case gives no word at all: an empty quoted string alone is dropped, as in BuildKit.
  ShellLexer lexer;
  CHECK(lexer.ProcessWords("\"\"", {}).words.empty());
  CHECK(RunWordsCases(cases) == 6);
}

TEST_CASE("shell lexer: backtick escape token and error messages", "[dockerfile][shell]") {
  ShellLexer lexer('`');
  ShellEnv env{{"A", "1"}};
  CHECK(lexer.ProcessWord("a`$A", env).word == "a$A");
  CHECK(lexer.ProcessWord("C:\\dir\\$A", env).word == "C:\\dir\\1");
  CHECK(lexer.ProcessWord("\"x`\"y\"", env).word == "x\"y");
  ShellResult bad = lexer.ProcessWord("${A", env);
  CHECK_FALSE(bad.ok);
  CHECK(bad.error == "syntax error: missing '}'");
  CHECK(lexer.ProcessWord("${}", env).error == "syntax error: bad substitution");
  CHECK(lexer.ProcessWord("${A:=x}", env).error == "unsupported modifier (:=) in substitution");
  CHECK(lexer.ProcessWord("${B?}", env).error == "B: is not allowed to be unset");
  CHECK(lexer.ProcessWord("'x", env).error ==
        "unexpected end of statement while looking for matching single-quote");
}

TEST_CASE("shell lexer: raw and skip-unset modes used for heredoc names", "[dockerfile][shell]") {
  ShellOptions options;
  options.raw_quotes = true;
  options.skip_unset_env = true;
  ShellLexer lexer(options);
  CHECK(lexer.ProcessWord("\"EOF\"", {}).word == "\"EOF\"");
  CHECK(lexer.ProcessWord("$X${Y}${Z:-a}", {}).word == "$X${Y}${Z:-a}");
  ShellResult used = ShellLexer().ProcessWord("$A ${B}", {{"A", "1"}});
  CHECK(used.matched == std::set<std::string>{"A"});
  CHECK(used.unmatched == std::set<std::string>{"B"});
}

TEST_CASE("shell patterns: shortest and longest prefix and suffix", "[dockerfile][shell]") {
  std::string error;
  CHECK(*TrimPatternPrefix("a*", "abcabc", false, &error) == "bcabc");
  CHECK(*TrimPatternPrefix("a*", "abcabc", true, &error) == "");
  CHECK(*TrimPatternSuffix("b*", "abcabc", false, &error) == "abca");
  CHECK(*TrimPatternSuffix("b*", "abcabc", true, &error) == "a");
  CHECK(*ReplacePattern("", "abc", "-", true, &error) == "-a-b-c-");
  CHECK(*ReplacePattern("b", "abcb", "X", true, &error) == "aXcX");
  CHECK_FALSE(TrimPatternPrefix("\\q", "x", false, &error));
  CHECK(error == "invalid escape '\\q'");
}

}  // namespace strata::dockerfile
