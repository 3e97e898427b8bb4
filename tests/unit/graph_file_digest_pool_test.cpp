// FileDigestPool: jobs added while helpers already read give each file's own digest, or its error.
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "compiler/graph/file_digests.h"

namespace strata::graph {

TEST_CASE("file digest pool: digests match each file, errors stay with their job", "[graph]") {
  std::string pattern = (std::filesystem::temp_directory_path() / "strata-pool-XXXXXX").string();
  REQUIRE(mkdtemp(pattern.data()) != nullptr);
  const std::string dir = pattern;
  std::vector<std::string> contents;
  std::vector<size_t> index;
  {
    FileDigestPool pool(3);
    for (int i = 0; i < 60; ++i) {  // past the 16 files that start the helpers
      std::string path = dir + "/f" + std::to_string(i);
      std::string content(static_cast<size_t>(1000 + 977 * i), static_cast<char>('a' + i % 26));
      if (i != 41) std::ofstream(path, std::ios::binary) << content;
      contents.push_back(i == 41 ? "" : content);
      FileDigestJob job;
      job.path = path;
      if (i != 41) REQUIRE(::lstat(path.c_str(), &job.st) == 0);
      index.push_back(pool.Add(std::move(job)));
    }
    pool.Finish();
    for (int i = 0; i < 60; ++i) {
      FileDigestJob& job = pool[index[i]];
      INFO("file " << i);
      if (i == 41) {
        CHECK(job.error.find("cannot read") != std::string::npos);
        continue;
      }
      XXH128_hash_t want = XXH3_128bits(contents[i].data(), contents[i].size());
      CHECK(job.error.empty());
      CHECK(job.digest.high64 == want.high64);
      CHECK(job.digest.low64 == want.low64);
      CHECK(job.bytes_read == contents[i].size());
      CHECK(job.unchanged);
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace strata::graph
