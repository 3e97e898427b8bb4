// strata_debian_bench: parses a Packages index and resolves closures over it, printing times.
//   strata_debian_bench PACKAGES_FILE [ARCH] [PACKAGE...]
// PACKAGES_FILE is an uncompressed index (e.g. bookworm main amd64, ~63,000 packages); with no
// PACKAGE it resolves a few requests of different sizes. Prints figures, asserts nothing.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "runtime/debian/package_index.h"
#include "runtime/debian/resolver.h"

namespace {

double Since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: strata_debian_bench PACKAGES_FILE [ARCH] [PACKAGE...]\n");
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  std::string arch = argc > 2 ? argv[2] : "amd64";
  auto start = std::chrono::steady_clock::now();
  auto index = strata::debian::PackageIndex::Parse(text.str(), arch, argv[1]);
  if (!index) {
    std::fprintf(stderr, "%s\n", llvm::toString(index.takeError()).c_str());
    return 1;
  }
  std::printf("parse: %zu packages (%zu MB) in %.3f s\n", (*index)->Size(), text.str().size() >> 20, Since(start));
  std::vector<std::vector<std::string>> requests;
  if (argc > 3) requests.push_back(std::vector<std::string>(argv + 3, argv + argc));
  else requests = {{"python3-minimal"}, {"bash"}, {"default-jre-headless"}, {"python3-full"}, {"gimp", "inkscape"}};
  for (const std::vector<std::string>& request : requests) {
    std::string names;
    for (const std::string& name : request) names += (names.empty() ? "" : " ") + name;
    constexpr int kRounds = 20;
    start = std::chrono::steady_clock::now();
    size_t closure = 0;
    for (int round = 0; round < kRounds; ++round) {
      auto resolution = strata::debian::Resolve(**index, request, "bench");
      if (!resolution) {
        std::fprintf(stderr, "%s: %s\n", names.c_str(), llvm::toString(resolution.takeError()).c_str());
        return 1;
      }
      closure = resolution->packages.size();
    }
    std::printf("resolve [%s]: %zu packages in %.2f ms (mean of %d)\n", names.c_str(), closure,
                Since(start) * 1000 / kRounds, kRounds);
  }
  return 0;
}
