// The config.json of a sandboxed step: Docker's defaults minus what a build step never needs.
#include "runtime/exec/oci_config.h"

#include <llvm/ADT/StringRef.h>

namespace strata::exec {
namespace {

constexpr const char* kDefaultPath =
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

nlohmann::json MountJson(const OciMount& m) {
  nlohmann::json j = {{"destination", m.destination}, {"type", m.type}, {"source", m.source}};
  if (!m.options.empty()) j["options"] = m.options;
  return j;
}

std::vector<OciMount> StandardMounts() {
  return {
      {"/proc", "proc", "proc", {"nosuid", "noexec", "nodev"}},
      {"/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}},
      {"/dev/pts",
       "devpts",
       "devpts",
       {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}},
      {"/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}},
      {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}},
      {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}},
  };
}

}  // namespace

std::vector<std::string> DefaultCapabilities() {
  return {"CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",
          "CAP_MKNOD",   "CAP_NET_RAW",      "CAP_SETGID",           "CAP_SETUID",
          "CAP_SETFCAP", "CAP_SETPCAP",      "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT",
          "CAP_KILL",    "CAP_AUDIT_WRITE"};
}

std::vector<std::string> WithDefaultEnv(std::vector<std::string> env, const std::string& home) {
  auto has = [&](llvm::StringRef key) {
    for (const auto& kv : env)
      if (llvm::StringRef(kv).split('=').first == key) return true;
    return false;
  };
  if (!has("PATH")) env.insert(env.begin(), kDefaultPath);
  if (!has("HOME")) env.push_back("HOME=" + (home.empty() ? std::string("/") : home));
  return env;
}

nlohmann::json BuildOciConfig(const OciProcess& process, const std::vector<OciMount>& mounts) {
  auto caps = DefaultCapabilities();
  nlohmann::json empty = nlohmann::json::array();
  bool root = process.user.uid == 0;
  nlohmann::json capabilities = {
      {"bounding", caps},
      {"effective", root ? nlohmann::json(caps) : empty},
      {"permitted", root ? nlohmann::json(caps) : empty},
      {"inheritable", empty},
      {"ambient", empty},
  };
  nlohmann::json user = {{"uid", process.user.uid}, {"gid", process.user.gid}};
  if (!process.user.additional_gids.empty()) user["additionalGids"] = process.user.additional_gids;

  nlohmann::json mount_list = nlohmann::json::array();
  for (const auto& m : StandardMounts()) mount_list.push_back(MountJson(m));
  for (const auto& m : mounts) mount_list.push_back(MountJson(m));

  nlohmann::json namespaces = nlohmann::json::array();
  for (const char* type : {"pid", "network", "ipc", "uts", "mount"})
    if (!process.host_network || std::string(type) != "network")
      namespaces.push_back({{"type", type}});

  return {
      {"ociVersion", "1.0.2"},
      {"process",
       {
           {"terminal", false},
           {"user", user},
           {"args", process.argv},
           {"env", WithDefaultEnv(process.env, process.user.home)},
           {"cwd", process.cwd},
           {"capabilities", capabilities},
           {"noNewPrivileges", false},
       }},
      {"root", {{"path", "rootfs"}, {"readonly", false}}},
      {"hostname", process.hostname},
      {"mounts", mount_list},
      {"linux",
       {
           {"resources", {{"devices", {{{"allow", false}, {"access", "rwm"}}}}}},
           {"namespaces", namespaces},
           {"maskedPaths",
            {"/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
             "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
             "/sys/firmware", "/sys/devices/virtual/powercap"}},
           {"readonlyPaths",
            {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"}},
       }},
  };
}

}  // namespace strata::exec
