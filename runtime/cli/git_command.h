// Running a git plumbing command with bytes on its stdin and its whole stdout returned: what
// `strata affected` reads a revision with (ls-tree, diff-index, cat-file --batch).
#pragma once

#include <llvm/Support/Error.h>

#include <string>
#include <vector>

namespace strata::cli {

// The absolute path of `name` found on PATH ("/usr/bin/NAME" when it is not there).
std::string FindProgram(const std::string& name);

// Runs `git -C DIR ARGS...` with `input` on stdin and returns its stdout. `env` entries
// ("GIT_INDEX_FILE=...") are added to the environment. A non-zero exit is an error holding
// the command and its stderr.
llvm::Expected<std::string> RunGit(const std::string& dir, const std::vector<std::string>& args,
                                   const std::string& input = {},
                                   const std::vector<std::string>& env = {});

}  // namespace strata::cli
