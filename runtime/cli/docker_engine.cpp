// Running `docker build` and `docker save` for `strata build --engine docker`.
#include "runtime/cli/docker_engine.h"

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <vector>

#include "runtime/cli/export_target.h"

extern char** environ;

namespace strata::cli {
namespace {

llvm::Error Failure(const std::string& message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), "%s", message.c_str());
}

// Debian's docker.io client; PATH's `docker` where there is none.
std::string DockerBinary() {
  return ::access("/usr/bin/docker", X_OK) == 0 ? "/usr/bin/docker" : "docker";
}

// Runs argv with the environment plus `extra_env`, its stdout and stderr on our stderr.
llvm::Error Run(const std::vector<std::string>& argv, const std::vector<std::string>& extra_env) {
  std::vector<std::string> env_strings(extra_env);
  for (char** e = environ; *e; ++e) env_strings.emplace_back(*e);
  std::vector<char*> env, args;
  for (std::string& s : env_strings) env.push_back(s.data());
  env.push_back(nullptr);
  std::vector<std::string> copy(argv);
  for (std::string& s : copy) args.push_back(s.data());
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, STDERR_FILENO, STDOUT_FILENO);
  pid_t pid = 0;
  int error = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  std::string command = argv[0] + " " + argv[1];
  if (error != 0) return Failure("cannot run " + argv[0] + ": " + std::strerror(error));
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) return Failure("cannot wait for " + command + ": " + std::strerror(errno));
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return llvm::Error::success();
  if (WIFEXITED(status))
    return Failure("`" + command + "` failed with exit status " +
                   std::to_string(WEXITSTATUS(status)) + " (its output is above)");
  return Failure("`" + command + "` was killed by signal " + std::to_string(WTERMSIG(status)));
}

}  // namespace

llvm::Error BuildOnDockerEngine(const EngineRequest& request) {
  std::string docker = DockerBinary();
  std::string iid_file = request.work_dir + "/image-id";
  std::vector<std::string> build = {docker, "build", "--iidfile", iid_file};
  if (!request.network) build.push_back("--network=none");
  if (request.plain_progress) build.push_back("--progress=plain");
  for (const auto& [id, file] : request.secrets) {
    build.push_back("--secret");
    build.push_back("id=" + id + ",src=" + file);
  }
  build.push_back(request.context_dir);
  if (llvm::Error err = Run(build, {"DOCKER_BUILDKIT=1"})) return err;
  std::ifstream in(iid_file);
  std::string image_id;
  if (!std::getline(in, image_id) || image_id.empty())
    return Failure("docker build wrote no image id to '" + iid_file + "'");
  return Run({docker, "save", "-o", request.archive, image_id}, {});
}

int PrepareDockerEngineBuild(BuildFlags& flags, std::string& work_dir) {
  const char* tmp = std::getenv("TMPDIR");
  std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/strata-engine-XXXXXX";
  if (!::mkdtemp(pattern.data())) {
    std::cerr << "strata: error: cannot create a temporary directory: " << std::strerror(errno)
              << "\n";
    return kExitProgramError;
  }
  work_dir = pattern;
  EngineRequest request;
  request.context_dir = work_dir + "/context";
  request.archive = work_dir + "/image.tar";
  request.work_dir = work_dir;
  request.secrets = flags.secrets;
  request.plain_progress = flags.progress == schedule::ProgressMode::kPlain;
  if (std::string problem = PrepareExportDir(request.context_dir); !problem.empty()) {
    std::cerr << "strata: error: " << problem << "\n";
    return kExitProgramError;
  }
  exporter::ExportResult exported;
  if (int code = ExportTarget(flags, request.context_dir, exported); code != kExitOk) return code;
  request.network = exported.network;
  if (llvm::Error err = BuildOnDockerEngine(request)) {
    std::cerr << "strata: error: the docker engine"
              << (std::getenv("DOCKER_HOST") ? std::string(" at ") + std::getenv("DOCKER_HOST")
                                             : "")
              << " failed: " << llvm::toString(std::move(err)) << "\n";
    return kExitProgramError;
  }
  std::ofstream program(work_dir + "/build.strata");
  program << "# The image the docker engine built (strata build --engine docker).\n{ default = "
             "load ./image.tar; }\n";
  program.close();
  if (!program) {
    std::cerr << "strata: error: cannot write '" << work_dir << "/build.strata'\n";
    return kExitProgramError;
  }
  BuildFlags loaded = flags;
  loaded.input = ProgramInput{};
  loaded.input.file = work_dir + "/build.strata";
  loaded.labels.clear();
  loaded.dockerfile = false;
  loaded.target = "default";
  loaded.context_dir.clear();
  loaded.build_args.clear();
  loaded.build_contexts.clear();
  flags = std::move(loaded);
  return kExitOk;
}

}  // namespace strata::cli
