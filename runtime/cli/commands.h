// The `strata` subcommands. Each takes the words after its name and returns an exit code.
#pragma once

#include <string>
#include <vector>

namespace strata::cli {

int BuildCommand(const std::vector<std::string>& args);
int CheckCommand(const std::vector<std::string>& args);
int EvalCommand(const std::vector<std::string>& args);
int FmtCommand(const std::vector<std::string>& args);
int GcCommand(const std::vector<std::string>& args);
int GraphCommand(const std::vector<std::string>& args);
int ImportCommand(const std::vector<std::string>& args);
int LockCommand(const std::vector<std::string>& args);
int LspCommand(const std::vector<std::string>& args);
int ParseCommand(const std::vector<std::string>& args);
int RunCommand(const std::vector<std::string>& args);
int SbomCommand(const std::vector<std::string>& args);
int StoreCommand(const std::vector<std::string>& args);
int StdlibCommand(const std::vector<std::string>& args);
// Workspaces (docs/cli.md, "Workspaces and labels").
int TargetsCommand(const std::vector<std::string>& args);
int QueryCommand(const std::vector<std::string>& args);
int AffectedCommand(const std::vector<std::string>& args);
// Exporting to an existing engine (docs/export.md).
int ExportCommand(const std::vector<std::string>& args);

}  // namespace strata::cli
