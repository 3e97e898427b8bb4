// debian: a base image made from Debian packages. The closure comes from the lock or from the
// suite's verified index; every .deb is fetched (in parallel, verified, into the store by
// sha256), unpacked without maintainer scripts, and written as reproducible layers, with one
// more layer of system files (users, dpkg status) on top.
#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <ctime>
#include <map>
#include <mutex>
#include <thread>

#include "compiler/graph/lockfile.h"
#include "compiler/support/errno_error.h"
#include "runtime/debian/alternatives.h"
#include "runtime/debian/deb_file.h"
#include "runtime/debian/download.h"
#include "runtime/debian/loader_cache.h"
#include "runtime/debian/locked_closure.h"
#include "runtime/debian/resolver.h"
#include "runtime/debian/suite.h"
#include "runtime/debian/system_files.h"
#include "runtime/debian/usr_merge.h"
#include "runtime/oci/layer_writer.h"
#include "runtime/sbom/package_license.h"
#include "runtime/schedule/op_context.h"
#include "runtime/schedule/work_dir.h"
#include "runtime/store/sha256.h"

namespace strata::schedule {
namespace {

// Up to this many packages, each gets its own layer; above it, packages share one of this
// many layers by a hash of their name (docs/images.md says why).
constexpr size_t kMaxLayers = 64;
constexpr int kParallelFetches = 4;

struct PinnedPackage {
  std::string name, version, arch, filename, sha256;
  uint64_t size = 0;
};

bool IsPackageName(const std::string& name) {
  if (name.empty() || name[0] == '.' || name[0] == '-') return false;
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return false;
  return true;
}

llvm::Expected<std::vector<PinnedPackage>> FromLock(const nlohmann::json& lock,
                                                    const std::string& arch) {
  std::vector<PinnedPackage> packages;
  const nlohmann::json* list =
      lock.is_object() && lock.contains("packages") ? &lock["packages"] : nullptr;
  if (!list || !list->is_array()) return OpError("debian: the lock entry has no package list");
  for (const nlohmann::json& entry : *list) {
    PinnedPackage package;
    try {
      package.name = entry.at("name").get<std::string>();
      package.version = entry.at("version").get<std::string>();
      package.arch = entry.at("arch").get<std::string>();
      package.filename = entry.at("filename").get<std::string>();
      package.sha256 = entry.at("sha256").get<std::string>();
      package.size = entry.value("size", uint64_t{0});
    } catch (const nlohmann::json::exception&) {
      return OpError("debian: a locked package lacks name, version, arch, filename or sha256: " +
                     entry.dump());
    }
    if (!IsPackageName(package.name) || package.sha256.size() != 64 ||
        package.filename.find("..") != std::string::npos)
      return OpError("debian: malformed locked package " + entry.dump());
    if (package.arch != arch && package.arch != "all")
      return OpError("debian: the locked package " + package.name + " is for " + package.arch +
                     ", not the base's " + arch);
    for (const PinnedPackage& earlier : packages)
      if (earlier.name == package.name)
        return OpError("debian: the package " + package.name + " is locked twice");
    packages.push_back(std::move(package));
  }
  return packages;
}

// The layer (group) index of each package: its own when few, else a stable hash bucket.
std::vector<std::vector<const PinnedPackage*>> Group(const std::vector<PinnedPackage>& packages) {
  std::map<size_t, std::vector<const PinnedPackage*>> groups;
  for (size_t i = 0; i < packages.size(); ++i) {
    size_t bucket = i;
    if (packages.size() > kMaxLayers) {
      std::string digest = store::Sha256Digest(packages[i].name.data(), packages[i].name.size());
      bucket = std::stoul(digest.substr(7, 8), nullptr, 16) % kMaxLayers;
    }
    groups[bucket].push_back(&packages[i]);
  }
  std::vector<std::vector<const PinnedPackage*>> result;
  for (auto& [bucket, members] : groups) result.push_back(std::move(members));
  return result;
}

// For a locked file the mirror no longer has: where a snapshot archive would serve it.
// $STRATA_DEBIAN_SNAPSHOT (default https://snapshot.debian.org/archive/debian/) plus the
// locked Release's date as YYYYMMDDTHHMMSSZ.
std::string SnapshotHint(const nlohmann::json& lock) {
  const char* env = std::getenv("STRATA_DEBIAN_SNAPSHOT");
  std::string base = env && *env ? env : "https://snapshot.debian.org/archive/debian/";
  std::string date = lock.contains("release") ? lock["release"].value("date", "") : "";
  struct tm parsed = {};
  char stamp[32] = "YYYYMMDDTHHMMSSZ";
  if (!date.empty() && ::strptime(date.c_str(), "%a, %d %b %Y %H:%M:%S", &parsed))
    std::strftime(stamp, sizeof stamp, "%Y%m%dT%H%M%SZ", &parsed);
  return "; the mirror has moved on since the lock (Release of " +
         (date.empty() ? "unknown date" : date) + "): build with --debian-mirror " + base + stamp +
         " to fetch the locked files from a snapshot";
}

// What the SBOM lists (runtime/sbom/collect.h): each package as fetched, with the license its
// DEP-5 copyright file states, read now while the unpacked trees exist.
nlohmann::json SbomPackages(const std::vector<PinnedPackage>& packages,
                            const std::vector<std::string>& trees, const std::string& suite,
                            const std::string& mirror) {
  nlohmann::json list = nlohmann::json::array();
  for (const PinnedPackage& package : packages)
    list.push_back({{"name", package.name},
                    {"version", package.version},
                    {"arch", package.arch},
                    {"filename", package.filename},
                    {"size", package.size},
                    {"sha256", package.sha256},
                    {"license", sbom::PackageLicense(trees, package.name)}});
  return {{"suite", suite}, {"mirror", mirror}, {"packages", std::move(list)}};
}

// What a file at `path` (an absolute image path) is in the package trees: the lstat mode of
// the first tree that has it at its merged-/usr place, or 0.
mode_t ModeIn(const std::vector<std::string>& trees, const std::string& path) {
  std::string merged = debian::MergedUsrPath(path);
  struct stat st;
  for (const std::string& tree : trees)
    if (::lstat((tree + merged).c_str(), &st) == 0) return st.st_mode;
  return 0;
}

// The links the maintainer scripts and usrmerge would have made: /bin → usr/bin and the other
// merged-/usr links, /bin/sh → bash when bash is the closure's only shell (dash, which ships
// /bin/sh, is Essential and so only there when named), and the update-alternatives links
// read out of every postinst.
llvm::Error WriteRootLinks(OpContext& context, const std::string& system_dir,
                           const std::vector<std::string>& trees,
                           const std::vector<debian::DebControl>& controls) {
  if (llvm::Error err = debian::WriteUsrMergeLinks(system_dir, trees)) return err;
  if (!ModeIn(trees, "/usr/bin/sh") && S_ISREG(ModeIn(trees, "/usr/bin/bash"))) {
    for (const char* sub : {"/usr", "/usr/bin"})
      if (::mkdir((system_dir + sub).c_str(), 0755) != 0 && errno != EEXIST)
        return support::ErrnoError(errno, "cannot create", system_dir + sub);
    if (::symlink("bash", (system_dir + "/usr/bin/sh").c_str()) != 0)
      return support::ErrnoError(errno, "cannot create", system_dir + "/usr/bin/sh");
    context.log("/bin/sh → bash (no other shell in the closure)");
  }
  std::vector<debian::Alternative> candidates;
  int skipped = 0;
  for (const debian::DebControl& control : controls) {
    if (control.postinst.empty()) continue;
    debian::ParsedAlternatives parsed = debian::ParseAlternatives(control.postinst);
    skipped += parsed.skipped;
    for (debian::Alternative& alternative : parsed.alternatives)
      candidates.push_back(std::move(alternative));
  }
  auto exists = [&](const std::string& path) { return ModeIn(trees, path) != 0; };
  auto is_file = [&](const std::string& path) {
    mode_t mode = ModeIn(trees, path);
    return mode != 0 && !S_ISLNK(mode);
  };
  llvm::Expected<std::vector<std::string>> chosen =
      debian::WriteAlternatives(system_dir, candidates, exists, is_file);
  if (!chosen) return chosen.takeError();
  for (const std::string& line : *chosen) context.log("alternative " + line);
  if (skipped)
    context.log(std::to_string(skipped) +
                " update-alternatives commands need the script run; skipped");
  return llvm::Error::success();
}

}  // namespace

llvm::Expected<NodeOutput> RunDebian(OpContext& context) {
  llvm::Expected<graph::DebianParams> params = graph::DecodeDebian(context.node);
  if (!params) return params.takeError();
  std::string suite_name = params->request.suite;
  std::string arch = params->request.arch;
  std::string mirror = params->request.mirror;
  if (mirror.empty()) mirror = context.options.debian_mirror;
  if (mirror.empty()) mirror = debian::DefaultMirror();
  while (!mirror.empty() && mirror.back() == '/') mirror.pop_back();
  std::vector<std::string> requested = params->request.packages;
  std::vector<std::string> exclude = params->request.exclude;
  std::vector<std::string> path_exclude = params->request.path_exclude;

  std::vector<PinnedPackage> packages;
  std::vector<std::string> sources;  // the index and .deb blobs, for gc (NodeOutput::sources)
  bool is_locked = !params->request.lock.is_null();
  // What a closure that is not what its lock entry says (edited by hand, damaged) fails with.
  std::string lock_key =
      graph::DebianLockKey(suite_name, arch, params->request.mirror, requested, exclude);
  std::string relock_hint =
      "; the lock was edited or is damaged: run strata lock --update \"" + lock_key + "\"";
  if (is_locked) {
    llvm::Expected<std::vector<PinnedPackage>> locked = FromLock(params->request.lock, arch);
    if (!locked) return OpError(llvm::toString(locked.takeError()) + relock_hint);
    packages = std::move(*locked);
  } else {
    debian::SuiteSource source;
    source.mirror = mirror;
    source.suite = suite_name;
    source.arch = arch;
    llvm::Expected<debian::Suite> suite = debian::LoadSuite(context.store, source);
    if (!suite) return suite.takeError();
    for (const std::string& index : {suite->index_sha256, suite->plain_index_sha256})
      if (!index.empty()) sources.push_back("sha256:" + index);
    llvm::Expected<debian::Resolution> resolution =
        debian::Resolve(*suite->index, requested, suite->where, exclude);
    if (!resolution) return resolution.takeError();
    for (const debian::Package* package : resolution->packages)
      packages.push_back({package->name.str(), package->version.str(), package->architecture.str(),
                          package->filename.str(), package->sha256.str(), package->size});
    context.log("resolved " + std::to_string(packages.size()) + " packages from " + suite->where +
                " (" + suite->release.date + ")");
  }

  // Fetch and unpack every group in parallel: each worker takes the next group.
  std::vector<std::vector<const PinnedPackage*>> groups = Group(packages);
  llvm::Expected<WorkDir> work = WorkDir::Create(context.store, "debian-");
  if (!work) return work.takeError();
  std::vector<oci::LayerDescriptor> layers(groups.size());
  std::vector<debian::DebControl> controls(packages.size());
  std::vector<uint64_t> sizes(packages.size());  // each .deb's, as fetched
  std::vector<std::string> errors(groups.size());
  std::atomic<size_t> next{0};
  std::atomic<bool> failed{false};
  std::atomic<uint64_t> fetched_bytes{0};
  std::mutex log_mutex;
  auto worker = [&] {
    for (size_t g; !failed && (g = next++) < groups.size();) {
      std::string dir = work->Path() + "/layer" + std::to_string(g);
      auto fail = [&](llvm::Error err) {
        errors[g] = llvm::toString(std::move(err));
        failed = true;
      };
      if (::mkdir(dir.c_str(), 0755) != 0) {
        fail(support::ErrnoError(errno, "cannot create", dir));
        continue;
      }
      for (const PinnedPackage* package : groups[g]) {
        std::string what = "package " + package->name + " " + package->version;
        uint64_t bytes = 0;
        llvm::Expected<std::string> deb =
            debian::FetchBlob(context.store, mirror + "/" + package->filename, package->sha256,
                              what, package->size, &bytes);
        if (!deb) {
          std::string message = llvm::toString(deb.takeError());
          if (const nlohmann::json* lock = &params->request.lock;
              !lock->is_null() && message.find("not on the mirror") != std::string::npos)
            message += SnapshotHint(*lock);
          fail(OpError(message));
          break;
        }
        fetched_bytes += bytes;
        struct stat st;
        if (::stat(deb->c_str(), &st) != 0) {
          fail(support::ErrnoError(errno, "cannot stat", *deb));
          break;
        }
        // The SBOM lists the size: it must be the file's (a lock may leave it out).
        uint64_t size = static_cast<uint64_t>(st.st_size);
        if (package->size != 0 && package->size != size) {
          fail(OpError("the file locked as " + package->name + " " + package->version + " (" +
                       package->filename + ") has " + std::to_string(size) + " bytes, not " +
                       std::to_string(package->size) + (is_locked ? relock_hint : "")));
          break;
        }
        sizes[package - packages.data()] = size;
        llvm::Expected<debian::DebControl> control =
            debian::UnpackDeb(*deb, dir, what, path_exclude);
        if (!control) {
          fail(control.takeError());
          break;
        }
        // The sha256 proves the file is the one listed; this, that the listing names it truly
        // (the SBOM, the history and the dpkg status then agree).
        if (llvm::Error err =
                debian::CheckControlIs(control->control, package->name, package->version,
                                       package->arch, package->filename)) {
          fail(OpError(llvm::toString(std::move(err)) + (is_locked ? relock_hint : "")));
          break;
        }
        controls[package - packages.data()] = std::move(*control);
        std::lock_guard<std::mutex> lock(log_mutex);
        context.log((bytes ? "fetched " : "have ") + package->name + " " + package->version);
      }
      if (failed) continue;
      llvm::Expected<oci::LayerDescriptor> layer =
          oci::WriteLayer(context.store, dir, context.layer);
      if (!layer) {
        fail(layer.takeError());
        continue;
      }
      layers[g] = *layer;
    }
  };
  std::vector<std::thread> threads;
  for (int i = 0; i < kParallelFetches && i < static_cast<int>(groups.size()); ++i)
    threads.emplace_back(worker);
  for (std::thread& thread : threads) thread.join();
  for (const std::string& error : errors)
    if (!error.empty()) return OpError("debian " + suite_name + ": " + error);
  if (is_locked) {
    std::vector<std::string> control_texts;
    for (const debian::DebControl& control : controls) control_texts.push_back(control.control);
    if (llvm::Error err = debian::CheckClosureHasRequested(requested, control_texts))
      return OpError("debian " + suite_name + ": the lock entry \"" + lock_key + "\" " +
                     llvm::toString(std::move(err)) + relock_hint);
  }

  for (size_t i = 0; i < packages.size(); ++i) packages[i].size = sizes[i];
  std::vector<debian::InstalledPackage> installed;
  for (size_t i = 0; i < packages.size(); ++i)
    installed.push_back({packages[i].name, controls[i].control, std::move(controls[i].files),
                         std::move(controls[i].md5sums)});
  std::string system_dir = work->Path() + "/system";
  if (::mkdir(system_dir.c_str(), 0755) != 0)
    return support::ErrnoError(errno, "cannot create", system_dir);
  if (llvm::Error err = debian::WriteSystemFiles(system_dir, installed)) return err;
  std::vector<std::string> trees;
  for (size_t g = 0; g < groups.size(); ++g)
    trees.push_back(work->Path() + "/layer" + std::to_string(g));
  llvm::Expected<std::map<std::string, std::string>> ca_files = debian::ListCaCertificates(trees);
  if (!ca_files) return ca_files.takeError();
  llvm::Expected<size_t> certificates = debian::WriteCaBundle(system_dir, *ca_files);
  if (!certificates) return certificates.takeError();
  if (*certificates)
    context.log("ca-certificates.crt: " + std::to_string(*certificates) + " certificates");
  // ca-certificates-java's postinst: the same certificates as the JDK's trust store.
  bool java_trust = std::any_of(packages.begin(), packages.end(), [](const PinnedPackage& p) {
    return p.name == "ca-certificates-java";
  });
  if (java_trust) {
    llvm::Expected<size_t> stored = debian::WriteJavaCacerts(system_dir, *ca_files);
    if (!stored) return stored.takeError();
    context.log("java cacerts: " + std::to_string(*stored) + " certificates");
  }
  if (llvm::Error err = WriteRootLinks(context, system_dir, trees, controls)) return err;
  std::string scratch = work->Path() + "/ldroot";
  if (::mkdir(scratch.c_str(), 0755) != 0)
    return support::ErrnoError(errno, "cannot create", scratch);
  if (llvm::Error err = debian::WriteLoaderCache(system_dir, trees, scratch)) return err;
  llvm::Expected<oci::LayerDescriptor> system =
      oci::WriteLayer(context.store, system_dir, context.layer);
  if (!system) return system.takeError();

  oci::Image image;
  image.architecture = arch;
  image.config["Env"] =
      nlohmann::json::array({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"});
  int64_t total = 0;
  for (size_t g = 0; g < groups.size(); ++g) {
    std::string created_by = "DEBIAN";
    for (const PinnedPackage* package : groups[g])
      created_by += " " + package->name + "=" + package->version;
    image.layers.push_back(layers[g]);
    image.history.push_back({created_by, false, ""});
    total += static_cast<int64_t>(layers[g].size);
  }
  image.layers.push_back(*system);
  image.history.push_back(
      {"DEBIAN system files (users, dpkg status, CA bundle, merged /usr, alternatives, "
       "ld.so.cache)",
       false, ""});
  context.layer_size = total + static_cast<int64_t>(system->size);
  context.log("fetched " + std::to_string(fetched_bytes.load()) + " bytes; " +
              std::to_string(image.layers.size()) + " layers");
  for (const PinnedPackage& package : packages) sources.push_back("sha256:" + package.sha256);
  NodeOutput output = NodeOutput::Stage(std::move(image));
  // The SBOM is a function of the node's key, which holds only a mirror the program names: the
  // one this build happened to use (flag, environment, host apt sources) would make a warm
  // build's SBOM differ from a fresh one's, and two hosts' from each other.
  std::string sbom_mirror = params->request.mirror;
  while (!sbom_mirror.empty() && sbom_mirror.back() == '/') sbom_mirror.pop_back();
  if (sbom_mirror.empty()) sbom_mirror = debian::kCanonicalMirror;
  output.sbom = {{"debian", SbomPackages(packages, trees, suite_name, sbom_mirror)}};
  output.sources = std::move(sources);
  return output;
}

}  // namespace strata::schedule
