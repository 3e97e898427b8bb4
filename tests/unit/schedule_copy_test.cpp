// Tests for Docker's COPY semantics (PlanCopyLayer) on plain directories, without runc, and
// for resolving paths inside a root.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>
#include <map>

#include "runtime/exec/scratch_dir.h"
#include "runtime/schedule/copy_layer.h"
#include "runtime/schedule/root_path.h"

using namespace strata;

namespace {

struct CopyFixture {
  CopyFixture() {
    auto dir = exec::ScratchDir::Create("/tmp", "strata-copy-");
    REQUIRE(bool(dir));
    tmp.emplace(std::move(*dir));
    parent = tmp->Path() + "/parent";
    layer = tmp->Path() + "/layer";
    src = tmp->Path() + "/src";
    for (const std::string& d : {parent, layer, src, parent + "/etc"})
      REQUIRE(::mkdir(d.c_str(), 0755) == 0);
    Write(parent + "/etc/passwd",
          "root:x:0:0::/root:/bin/sh\nbuilder:x:1000:1000::/home/builder:/bin/sh\n");
    Write(parent + "/etc/group", "root:x:0:\nstaff:x:50:builder\n");
  }
  static void Write(const std::string& path, const std::string& text, mode_t mode = 0644) {
    std::ofstream(path) << text;
    REQUIRE(::chmod(path.c_str(), mode) == 0);
  }
  llvm::Error Copy(const std::string& source, const std::string& dest,
                   schedule::CopyRequest request = {}) {
    request.source = source;
    request.dest = dest;
    llvm::Expected<std::vector<oci::TreeEntry>> planned =
        schedule::PlanCopyLayer(request, parent, layer);
    if (!planned) return planned.takeError();
    for (oci::TreeEntry& entry : *planned) entries[entry.tar_path] = std::move(entry);
    return llvm::Error::success();
  }
  const oci::TreeEntry* Find(const std::string& relative) const {
    auto it = entries.find(relative.substr(1));
    return it == entries.end() ? nullptr : &it->second;
  }
  // The entry at "/a/b" as the stat of a copy on disk would show it.
  struct stat Stat(const std::string& relative) const {
    const oci::TreeEntry* entry = Find(relative);
    REQUIRE(entry != nullptr);
    struct stat st {};
    mode_t type = entry->kind == oci::EntryKind::kDir       ? S_IFDIR
                  : entry->kind == oci::EntryKind::kSymlink ? S_IFLNK
                                                            : S_IFREG;
    st.st_mode = type | entry->mode;
    st.st_uid = entry->uid;
    st.st_gid = entry->gid;
    st.st_size = static_cast<off_t>(entry->size);
    return st;
  }
  bool Exists(const std::string& relative) const { return Find(relative) != nullptr; }
  std::map<std::string, oci::TreeEntry> entries;
  std::optional<exec::ScratchDir> tmp;
  std::string parent, layer, src;
};

}  // namespace

TEST_CASE("copy: a file to a path creates root-owned 0755 parents", "[schedule][copy]") {
  CopyFixture f;
  f.Write(f.src + "/app.bin", "x", 0700);
  REQUIRE_FALSE(bool(f.Copy(f.src + "/app.bin", "/opt/app/server")));
  CHECK(S_ISREG(f.Stat("/opt/app/server").st_mode));
  CHECK((f.Stat("/opt/app/server").st_mode & 07777) == 0700);
  CHECK((f.Stat("/opt").st_mode & 07777) == 0755);
  CHECK(f.Stat("/opt/app").st_uid == 0);
}

TEST_CASE("copy: a trailing slash or an existing directory means into", "[schedule][copy]") {
  CopyFixture f;
  f.Write(f.src + "/tool", "x");
  REQUIRE(::chmod((f.parent + "/etc").c_str(), 0750) == 0);
  REQUIRE(::chown((f.parent + "/etc").c_str(), 5, 6) == 0);
  REQUIRE_FALSE(bool(f.Copy(f.src + "/tool", "/usr/bin/")));
  CHECK(f.Exists("/usr/bin/tool"));
  REQUIRE_FALSE(bool(f.Copy(f.src + "/tool", "/etc")));
  CHECK(f.Exists("/etc/tool"));
  // The existing parent keeps its owner and mode in the layer.
  CHECK((f.Stat("/etc").st_mode & 07777) == 0750);
  CHECK(f.Stat("/etc").st_uid == 5);
  CHECK(f.Stat("/etc").st_gid == 6);
}

TEST_CASE("copy: a directory's contents are copied, relative to the workdir", "[schedule][copy]") {
  CopyFixture f;
  REQUIRE(::mkdir((f.src + "/sub").c_str(), 0755) == 0);
  f.Write(f.src + "/a.txt", "a");
  f.Write(f.src + "/sub/b.txt", "b");
  REQUIRE(::symlink("a.txt", (f.src + "/link").c_str()) == 0);
  schedule::CopyRequest request;
  request.workdir = "/work";
  REQUIRE_FALSE(bool(f.Copy(f.src, ".", request)));
  CHECK(f.Exists("/work/a.txt"));
  CHECK(f.Exists("/work/sub/b.txt"));
  CHECK_FALSE(f.Exists("/work/src"));
  REQUIRE(S_ISLNK(f.Stat("/work/link").st_mode));
  CHECK(f.Find("/work/link")->link == "a.txt");
  CHECK((f.Stat("/work/link").st_mode & 07777) == 0777);
}

TEST_CASE("copy: files are listed where they are, nothing is staged", "[schedule][copy]") {
  CopyFixture f;
  REQUIRE(::mkdir((f.src + "/sub").c_str(), 0755) == 0);
  f.Write(f.src + "/sub/b.txt", "bee");
  REQUIRE_FALSE(bool(f.Copy(f.src, "/app")));
  const oci::TreeEntry* file = f.Find("/app/sub/b.txt");
  REQUIRE(file != nullptr);
  CHECK(file->source_path == f.src + "/sub/b.txt");
  CHECK(file->size == 3);
  // The scratch directory stays empty: no copy of the tree was written.
  llvm::Expected<std::vector<std::string>> staged = schedule::SortedChildren(f.layer);
  REQUIRE(bool(staged));
  CHECK(staged->empty());
}

TEST_CASE("copy: chown resolves names in the image, chmod sets modes", "[schedule][copy]") {
  CopyFixture f;
  f.Write(f.src + "/f", "x");
  schedule::CopyRequest request;
  request.chown = "builder";
  request.chmod = "640";
  REQUIRE_FALSE(bool(f.Copy(f.src + "/f", "/home/builder/f", request)));
  CHECK(f.Stat("/home/builder/f").st_uid == 1000);
  CHECK(f.Stat("/home/builder/f").st_gid == 1000);  // a user alone: the user's primary gid
  CHECK((f.Stat("/home/builder/f").st_mode & 07777) == 0640);
  CHECK(f.Stat("/home").st_uid == 1000);  // new parents belong to the chown user

  request.chown = "builder:staff";
  REQUIRE_FALSE(bool(f.Copy(f.src + "/f", "/g", request)));
  CHECK(f.Stat("/g").st_gid == 50);
  // BuildKit's lookups: a name the files lack changes nothing (0, or the user's gid).
  request.chown = "nobody-here";
  REQUIRE_FALSE(bool(f.Copy(f.src + "/f", "/h", request)));
  CHECK(f.Stat("/h").st_uid == 0);
  CHECK(f.Stat("/h").st_gid == 0);
  request.chown = "7:nosuchgroup";
  REQUIRE_FALSE(bool(f.Copy(f.src + "/f", "/h2", request)));
  CHECK(f.Stat("/h2").st_gid == 7);
  request.chown = ":staff";
  REQUIRE_FALSE(bool(f.Copy(f.src + "/f", "/h3", request)));
  CHECK(f.Stat("/h3").st_uid == 0);
  CHECK(f.Stat("/h3").st_gid == 50);
  request.chmod = "4755";  // only the permission bits, as BuildKit applies them
  REQUIRE_FALSE(bool(f.Copy(f.src + "/f", "/h4", request)));
  CHECK((f.Stat("/h4").st_mode & 07777) == 0755);
  request.chown = "builder";
  request.chmod = "";
  REQUIRE(::unlink((f.parent + "/etc/passwd").c_str()) == 0);
  llvm::Error err = f.Copy(f.src + "/f", "/h5", request);
  REQUIRE(bool(err));
  CHECK_THAT(llvm::toString(std::move(err)), Catch::Contains("the image has no /etc/passwd"));
  request.chown = "";
  request.chmod = "9x";
  llvm::Error bad = f.Copy(f.src + "/f", "/i", request);
  REQUIRE(bool(bad));
  CHECK_THAT(llvm::toString(std::move(bad)), Catch::Contains("malformed chmod"));
}

TEST_CASE("copy: local sources get normalised modes, root owners, no .git", "[schedule][copy]") {
  CopyFixture f;
  REQUIRE(::mkdir((f.src + "/.git").c_str(), 0700) == 0);
  f.Write(f.src + "/.git/HEAD", "ref");
  f.Write(f.src + "/script", "x", 0700);
  f.Write(f.src + "/data", "x", 0600);
  f.Write(f.src + "/debug.log", "x");
  REQUIRE(::chown((f.src + "/data").c_str(), 1234, 1234) == 0);
  schedule::CopyRequest request;
  request.local = true;
  request.exclude = {"*.log"};
  REQUIRE_FALSE(bool(f.Copy(f.src, "/app", request)));
  CHECK((f.Stat("/app/script").st_mode & 07777) == 0755);
  CHECK((f.Stat("/app/data").st_mode & 07777) == 0644);
  CHECK(f.Stat("/app/data").st_uid == 0);
  CHECK_FALSE(f.Exists("/app/.git"));
  CHECK_FALSE(f.Exists("/app/debug.log"));
}

TEST_CASE("copy: the destination follows symlinks inside the image", "[schedule][copy]") {
  CopyFixture f;
  REQUIRE(::mkdir((f.parent + "/usr").c_str(), 0755) == 0);
  REQUIRE(::mkdir((f.parent + "/usr/lib").c_str(), 0755) == 0);
  REQUIRE(::symlink("usr/lib", (f.parent + "/lib").c_str()) == 0);
  f.Write(f.src + "/libx.so", "x");
  REQUIRE_FALSE(bool(f.Copy(f.src + "/libx.so", "/lib/")));
  CHECK(f.Exists("/usr/lib/libx.so"));
  CHECK_FALSE(f.Exists("/lib"));
  f.Write(f.parent + "/file", "x");
  llvm::Error err = f.Copy(f.src + "/libx.so", "/file/x");
  REQUIRE(bool(err));
  CHECK_THAT(llvm::toString(std::move(err)), Catch::Contains("is not a directory"));
}

TEST_CASE("copy: no replacing across kinds (a directory over a file or symlink, or back)",
          "[schedule][copy]") {
  CopyFixture f;
  REQUIRE(::mkdir((f.parent + "/y").c_str(), 0755) == 0);
  REQUIRE(::symlink("y", (f.parent + "/x").c_str()) == 0);
  REQUIRE(::mkdir((f.parent + "/d").c_str(), 0755) == 0);
  f.Write(f.parent + "/file", "x");
  REQUIRE(::mkdir((f.src + "/x").c_str(), 0755) == 0);
  f.Write(f.src + "/x/f", "x");
  llvm::Error err = f.Copy(f.src, "/");
  REQUIRE(bool(err));
  CHECK_THAT(llvm::toString(std::move(err)), Catch::Contains("cannot copy to non-directory: /x"));
  REQUIRE(::mkdir((f.src + "/file").c_str(), 0755) == 0);
  err = f.Copy(f.src + "/file", "/file/");  // the destination as written is not merged
  REQUIRE(bool(err));
  REQUIRE(::mkdir((f.src + "/s").c_str(), 0755) == 0);
  REQUIRE(::symlink("t", (f.src + "/s/d").c_str()) == 0);
  err = f.Copy(f.src + "/s", "/");
  REQUIRE(bool(err));
  CHECK_THAT(llvm::toString(std::move(err)),
             Catch::Contains("cannot replace to directory /d with file"));
  f.Write(f.src + "/s/file", "new");  // a file over a file, a symlink over a symlink: replaced
  REQUIRE(::unlink((f.src + "/s/d").c_str()) == 0);
  REQUIRE(::symlink("z", (f.src + "/s/x").c_str()) == 0);
  REQUIRE_FALSE(bool(f.Copy(f.src + "/s", "/")));
  CHECK(f.Exists("/file"));
  CHECK(f.Exists("/x"));
}

TEST_CASE("root path: resolution stays inside the root", "[schedule][copy]") {
  CopyFixture f;
  REQUIRE(::mkdir((f.src + "/d").c_str(), 0755) == 0);
  REQUIRE(::symlink("/etc", (f.src + "/abs").c_str()) == 0);
  REQUIRE(::symlink("../../..", (f.src + "/d/up").c_str()) == 0);
  REQUIRE(::symlink("d", (f.src + "/rel").c_str()) == 0);
  using schedule::Escape;
  auto ok = schedule::ResolveInRoot(f.src, "rel/x", true, Escape::kError);
  REQUIRE(bool(ok));
  CHECK(*ok == "/d/x");
  auto dots = schedule::ResolveInRoot(f.src, "../etc/passwd", true, Escape::kError);
  REQUIRE_FALSE(bool(dots));
  CHECK_THAT(llvm::toString(dots.takeError()), Catch::Contains("outside"));
  auto absolute = schedule::ResolveInRoot(f.src, "abs/passwd", true, Escape::kError);
  REQUIRE_FALSE(bool(absolute));
  CHECK_THAT(llvm::toString(absolute.takeError()), Catch::Contains("points outside"));
  auto up = schedule::ResolveInRoot(f.src, "d/up/x", true, Escape::kError);
  CHECK_FALSE(bool(up));
  llvm::consumeError(up.takeError());
  // In an image rootfs, the same links are clamped at the root as a chroot would.
  auto clamped = schedule::ResolveInRoot(f.src, "d/up/x", true, Escape::kClamp);
  REQUIRE(bool(clamped));
  CHECK(*clamped == "/x");
  auto rooted = schedule::ResolveInRoot(f.src, "abs/passwd", true, Escape::kClamp);
  REQUIRE(bool(rooted));
  CHECK(*rooted == "/etc/passwd");
}
