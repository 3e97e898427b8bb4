// Store tests across processes: concurrent writers, killed writers, and key locks.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "runtime/schedule/work_dir.h"
#include "runtime/store/sha256.h"
#include "runtime/store/store.h"
#include "tests/unit/test_support.h"

namespace fs = std::filesystem;
using strata::store::Store;
using strata::testing::TempDir;

namespace {

size_t CountFiles(const std::string& dir) {
  size_t n = 0;
  for (auto it = fs::directory_iterator(dir); it != fs::directory_iterator(); ++it) ++n;
  return n;
}

std::string Payload() {
  std::string data;
  for (int i = 0; data.size() < (4u << 20); ++i) data += std::to_string(i * 2654435761u) + ",";
  return data;
}

// Child body: writes `data` as a blob in small pieces; exit status 0 on success.
int WriteBlobInChild(const std::string& root, const std::string& data) {
  llvm::Expected<Store> store = Store::Open(root);
  if (!store) return llvm::consumeError(store.takeError()), 1;
  llvm::Expected<strata::store::BlobWriter> writer = store->NewBlobWriter();
  if (!writer) return llvm::consumeError(writer.takeError()), 1;
  for (size_t pos = 0; pos < data.size(); pos += 4096) {
    if (llvm::Error err =
            writer->Write(data.data() + pos, std::min<size_t>(4096, data.size() - pos)))
      return llvm::consumeError(std::move(err)), 1;
  }
  llvm::Expected<std::string> digest = writer->Commit();
  if (!digest) return llvm::consumeError(digest.takeError()), 1;
  return 0;
}

}  // namespace

TEST_CASE("store: concurrent processes writing one blob leave one correct blob", "[store]") {
  TempDir dir("store-test");
  const std::string data = Payload();
  const std::string expected = strata::store::Sha256Digest(data.data(), data.size());
  std::vector<pid_t> children;
  for (int i = 0; i < 4; ++i) {
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) _exit(WriteBlobInChild(dir.path, data));
    children.push_back(pid);
  }
  for (pid_t pid : children) {
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  llvm::Expected<Store> store = Store::Open(dir.path);
  REQUIRE(static_cast<bool>(store));
  CHECK(CountFiles(dir.path + "/blobs/sha256") == 1);
  CHECK(CountFiles(store->TmpDir()) == 0);
  llvm::Expected<std::string> rehash = store->PutBlobFromFile(store->BlobPath(expected));
  REQUIRE(static_cast<bool>(rehash));
  CHECK(*rehash == expected);
}

TEST_CASE("store: concurrent threads writing one blob leave one correct blob", "[store]") {
  TempDir dir("store-test");
  llvm::Expected<Store> store = Store::Open(dir.path);
  REQUIRE(static_cast<bool>(store));
  const std::string data = Payload();
  std::vector<std::string> digests(4);
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      llvm::Expected<std::string> d = store->PutBlobBytes(data);
      if (d)
        digests[i] = *d;
      else
        llvm::consumeError(d.takeError());
    });
  }
  for (std::thread& t : threads) t.join();
  for (const std::string& d : digests)
    CHECK(d == strata::store::Sha256Digest(data.data(), data.size()));
  CHECK(CountFiles(dir.path + "/blobs/sha256") == 1);
  CHECK(CountFiles(store->TmpDir()) == 0);
}

TEST_CASE("store: a writer killed mid-write leaves no trusted blob", "[store]") {
  TempDir dir("store-test");
  llvm::Expected<Store> store = Store::Open(dir.path);
  REQUIRE(static_cast<bool>(store));
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(ready[0]);
    llvm::Expected<strata::store::BlobWriter> writer = store->NewBlobWriter();
    if (!writer) _exit(1);
    if (llvm::Error err = writer->Write("half of a blob")) _exit(1);
    char byte = 1;
    if (write(ready[1], &byte, 1) != 1) _exit(1);
    for (;;) pause();  // Killed here, mid-write.
  }
  close(ready[1]);
  char byte = 0;
  REQUIRE(read(ready[0], &byte, 1) == 1);
  close(ready[0]);

  // While the writer lives, its temp file is locked and a cleaner leaves it alone.
  llvm::Expected<size_t> cleaned_live = store->CleanTemps();
  REQUIRE(static_cast<bool>(cleaned_live));
  CHECK(*cleaned_live == 0);
  CHECK(CountFiles(store->TmpDir()) == 1);

  REQUIRE(kill(pid, SIGKILL) == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));

  CHECK(CountFiles(dir.path + "/blobs/sha256") == 0);
  CHECK(CountFiles(store->TmpDir()) == 1);
  // The next Open (or CleanTemps) removes what the dead writer left.
  llvm::Expected<Store> reopened = Store::Open(dir.path);
  REQUIRE(static_cast<bool>(reopened));
  CHECK(CountFiles(store->TmpDir()) == 0);
  CHECK(CountFiles(dir.path + "/blobs/sha256") == 0);
}

TEST_CASE("store: key locks exclude other holders until released", "[store]") {
  TempDir dir("store-test");
  llvm::Expected<Store> store = Store::Open(dir.path);
  REQUIRE(static_cast<bool>(store));
  const std::string key = "00112233445566778899aabbccddeeff";
  {
    llvm::Expected<strata::store::KeyLock> held = store->LockKey(key);
    REQUIRE(static_cast<bool>(held));
    CHECK(held->Held());
    llvm::Expected<std::optional<strata::store::KeyLock>> other = store->TryLockKey(key);
    REQUIRE(static_cast<bool>(other));
    CHECK_FALSE(other->has_value());
    // A different key is independent.
    llvm::Expected<std::optional<strata::store::KeyLock>> unrelated =
        store->TryLockKey("ffeeddccbbaa99887766554433221100");
    REQUIRE(static_cast<bool>(unrelated));
    CHECK(unrelated->has_value());
  }
  llvm::Expected<std::optional<strata::store::KeyLock>> after = store->TryLockKey(key);
  REQUIRE(static_cast<bool>(after));
  CHECK(after->has_value());

  llvm::Expected<strata::store::KeyLock> bad = store->LockKey("not-a-key");
  CHECK_FALSE(static_cast<bool>(bad));
  llvm::consumeError(bad.takeError());
}

TEST_CASE("store: a key lock held by a killed process is released", "[store]") {
  TempDir dir("store-test");
  llvm::Expected<Store> store = Store::Open(dir.path);
  REQUIRE(static_cast<bool>(store));
  const std::string key = "abababababababababababababababab";
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(ready[0]);
    llvm::Expected<strata::store::KeyLock> lock = store->LockKey(key);
    if (!lock) _exit(1);
    char byte = 1;
    if (write(ready[1], &byte, 1) != 1) _exit(1);
    for (;;) pause();
  }
  close(ready[1]);
  char byte = 0;
  REQUIRE(read(ready[0], &byte, 1) == 1);
  close(ready[0]);
  llvm::Expected<std::optional<strata::store::KeyLock>> busy = store->TryLockKey(key);
  REQUIRE(static_cast<bool>(busy));
  CHECK_FALSE(busy->has_value());
  REQUIRE(kill(pid, SIGKILL) == 0);
  REQUIRE(waitpid(pid, nullptr, 0) == pid);
  llvm::Expected<strata::store::KeyLock> mine = store->LockKey(key);  // Would block if leaked.
  REQUIRE(static_cast<bool>(mine));
  CHECK(mine->Held());
}

TEST_CASE("a work dir being made is never taken for a dead build's by a cleaner",
          "[store][concurrency]") {
  // Two builds started at once on one store: one makes its sandbox dir while the other, at
  // start, removes the dirs no live build holds. Before, a dir made and not yet locked could be
  // removed under its maker ("cannot lock ...: No such file or directory").
  strata::testing::TempStore temp("workdir-race");
  const Store& store = *temp.store;
  std::atomic<bool> done{false};
  std::thread cleaner([&] {
    while (!done) llvm::consumeError(strata::schedule::CleanStaleWorkDirs(store).takeError());
  });
  int failures = 0;
  std::string first_error;
  for (int i = 0; i < 3000; ++i) {
    llvm::Expected<strata::schedule::WorkDir> dir =
        strata::schedule::WorkDir::Create(store, "race-");
    if (!dir) {
      if (failures++ == 0)
        first_error = llvm::toString(dir.takeError());
      else
        llvm::consumeError(dir.takeError());
    }
  }
  done = true;
  cleaner.join();
  INFO(first_error);
  CHECK(failures == 0);
}
