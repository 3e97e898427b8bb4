// strata_debian_bench: parses a Packages index and resolves closures over it, printing times.
//   strata_debian_bench PACKAGES_FILE [ARCH] [PACKAGE...]
// PACKAGES_FILE is an index (e.g. bookworm main amd64, ~63,000 packages), plain or as the
// mirror serves it (Packages.xz: then decompression, sha256 and parse are timed as LoadSuite
// does them); with no PACKAGE it resolves a few requests of different sizes. Wall and CPU
// seconds (CPU is the steadier figure on a shared machine). Prints figures, asserts nothing.
#include <chrono>
#include <cstdio>
#include <ctime>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "runtime/debian/package_index.h"
#include "runtime/debian/resolver.h"
#include "runtime/debian/suite.h"
#include "runtime/store/sha256.h"

namespace {

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

double CpuSeconds() { return static_cast<double>(std::clock()) / CLOCKS_PER_SEC; }

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: strata_debian_bench PACKAGES_FILE [ARCH] [PACKAGE...]\n");
    return 2;
  }
  std::string arch = argc > 2 ? argv[2] : "amd64";
  std::string path = argv[1];
  std::string text;
  if (path.size() > 3 && path.compare(path.size() - 3, 3, ".xz") == 0) {
    auto start = std::chrono::steady_clock::now();
    double cpu = CpuSeconds();
    llvm::Expected<std::string> plain = strata::debian::Decompress(path, path, 0);
    if (!plain) {
      std::fprintf(stderr, "%s\n", llvm::toString(plain.takeError()).c_str());
      return 1;
    }
    std::printf("decompress: %zu MB in %.3f s (%.3f s CPU)\n", plain->size() >> 20, Since(start),
                CpuSeconds() - cpu);
    start = std::chrono::steady_clock::now();
    cpu = CpuSeconds();
    std::string digest = strata::store::Sha256Digest(plain->data(), plain->size());
    std::printf("sha256: %.3f s (%.3f s CPU)\n", Since(start), CpuSeconds() - cpu);
    text = std::move(*plain);
  } else {
    std::ifstream in(path, std::ios::binary);
    text.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  size_t bytes = text.size();
  // Only the parse is timed: the text is moved in, as LoadSuite moves the decompressed index.
  auto start = std::chrono::steady_clock::now();
  double cpu = CpuSeconds();
  auto index = strata::debian::PackageIndex::Parse(std::move(text), arch, argv[1]);
  if (!index) {
    std::fprintf(stderr, "%s\n", llvm::toString(index.takeError()).c_str());
    return 1;
  }
  std::printf("parse: %zu packages (%zu MB) in %.3f s (%.3f s CPU)\n", (*index)->Size(),
              bytes >> 20, Since(start), CpuSeconds() - cpu);
  std::vector<std::vector<std::string>> requests;
  if (argc > 3)
    requests.push_back(std::vector<std::string>(argv + 3, argv + argc));
  else
    requests = {{"python3-minimal"},
                {"bash"},
                {"default-jre-headless"},
                {"python3-full"},
                {"gimp", "inkscape"}};
  for (const std::vector<std::string>& request : requests) {
    std::string names;
    for (const std::string& name : request) names += (names.empty() ? "" : " ") + name;
    constexpr int kRounds = 20;
    start = std::chrono::steady_clock::now();
    size_t closure = 0;
    for (int round = 0; round < kRounds; ++round) {
      auto resolution = strata::debian::Resolve(**index, request, "bench");
      if (!resolution) {
        std::fprintf(stderr, "%s: %s\n", names.c_str(),
                     llvm::toString(resolution.takeError()).c_str());
        return 1;
      }
      closure = resolution->packages.size();
    }
    std::printf("resolve [%s]: %zu packages in %.2f ms (mean of %d)\n", names.c_str(), closure,
                Since(start) * 1000 / kRounds, kRounds);
  }
  return 0;
}
