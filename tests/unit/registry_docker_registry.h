// Test helper: Debian's docker-registry (the CNCF distribution registry) on 127.0.0.1 with a
// free port and temp storage, started for one test and stopped (SIGTERM, then waited for) after.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "runtime/oci/registry_http.h"
#include "tests/unit/registry_fixture.h"

extern char** environ;

namespace strata::testing {

class DockerRegistry {
 public:
  DockerRegistry() {
    port_ = FreePort();
    std::ofstream(dir_.path + "/config.yml")
        << "version: 0.1\nlog:\n  level: error\n"
        << "storage:\n  filesystem:\n    rootdirectory: " << dir_.path
        << "/data\nhttp:\n  addr: 127.0.0.1:" << port_ << "\n";
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string log = dir_.path + "/registry.log";
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    posix_spawn_file_actions_adddup2(&actions, 1, 2);
    std::string config = dir_.path + "/config.yml";
    const char* argv[] = {"docker-registry", "serve", config.c_str(), nullptr};
    int spawned = posix_spawnp(&pid_, "docker-registry", &actions, nullptr,
                               const_cast<char**>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (spawned != 0) {
      pid_ = -1;
      FAIL("cannot start docker-registry (apt-get install docker-registry)");
    }
    // Ready when /v2/ answers; give it up to 20 s.
    for (int i = 0; i < 200; ++i) {
      oci::HttpRequest request;
      request.url = "http://" + host() + "/v2/";
      llvm::Expected<oci::HttpResponse> response = oci::Perform(request);
      if (response && response->status == 200) return;
      if (!response) llvm::consumeError(response.takeError());
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    FAIL("docker-registry did not start on " + host());
  }
  ~DockerRegistry() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
  }
  DockerRegistry(const DockerRegistry&) = delete;
  DockerRegistry& operator=(const DockerRegistry&) = delete;

  std::string host() const { return "127.0.0.1:" + std::to_string(port_); }
  // Where the registry keeps a blob's bytes (for tampering with them).
  std::string BlobFile(const std::string& digest) const {
    std::string hex = digest.substr(7);
    return dir_.path + "/data/docker/registry/v2/blobs/sha256/" + hex.substr(0, 2) + "/" + hex +
           "/data";
  }

 private:
  static int FreePort() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
    socklen_t length = sizeof address;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length);
    ::close(fd);
    return ntohs(address.sin_port);
  }

  RegistryTempDir dir_;
  int port_ = 0;
  pid_t pid_ = -1;
};

}  // namespace strata::testing
