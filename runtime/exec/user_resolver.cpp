// Parsing of passwd/group files and Docker-compatible user resolution.
#include "runtime/exec/user_resolver.h"

#include <llvm/ADT/SmallVector.h>

#include <algorithm>
#include <limits>

#include "runtime/exec/exec_error.h"
#include "runtime/exec/rootfs_path.h"

namespace strata::exec {
namespace {

struct PasswdEntry {
  std::string name;
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string home;
};

struct GroupEntry {
  std::string name;
  uint32_t gid = 0;
  std::vector<std::string> members;
};

std::optional<uint32_t> ParseId(llvm::StringRef text) {
  if (text.empty() || text.size() > 10 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return std::nullopt;
  unsigned long long value = 0;
  if (text.getAsInteger(10, value) || value > std::numeric_limits<uint32_t>::max())
    return std::nullopt;
  return static_cast<uint32_t>(value);
}

// Calls visit(fields) for each well-formed line; comments, blanks and NIS "+"/"-" lines skip.
template <typename Visit>
void ForEachRecord(llvm::StringRef content, size_t min_fields, Visit visit) {
  while (!content.empty()) {
    auto [line, rest] = content.split('\n');
    content = rest;
    line = line.rtrim("\r");
    if (line.empty() || line.startswith("#") || line.startswith("+") || line.startswith("-"))
      continue;
    llvm::SmallVector<llvm::StringRef, 8> fields;
    line.split(fields, ':');
    if (fields.size() >= min_fields) visit(fields);
  }
}

std::vector<PasswdEntry> ParsePasswd(llvm::StringRef content) {
  std::vector<PasswdEntry> entries;
  ForEachRecord(content, 4, [&](llvm::ArrayRef<llvm::StringRef> f) {
    auto uid = ParseId(f[2]);
    auto gid = ParseId(f[3]);
    if (!uid || !gid) return;
    entries.push_back({f[0].str(), *uid, *gid, f.size() > 5 ? f[5].str() : std::string()});
  });
  return entries;
}

std::vector<GroupEntry> ParseGroup(llvm::StringRef content) {
  std::vector<GroupEntry> entries;
  ForEachRecord(content, 3, [&](llvm::ArrayRef<llvm::StringRef> f) {
    auto gid = ParseId(f[2]);
    if (!gid) return;
    GroupEntry entry{f[0].str(), *gid, {}};
    if (f.size() > 3) {
      llvm::SmallVector<llvm::StringRef, 8> members;
      f[3].split(members, ',', -1, /*KeepEmpty=*/false);
      for (auto m : members) entry.members.push_back(m.trim().str());
    }
    entries.push_back(std::move(entry));
  });
  return entries;
}

}  // namespace

llvm::Expected<ResolvedUser> ResolveUser(llvm::StringRef spec,
                                         std::optional<llvm::StringRef> passwd,
                                         std::optional<llvm::StringRef> group) {
  ResolvedUser out;
  if (spec.empty()) spec = "0";
  auto [user_part, group_part] = spec.split(':');
  if (user_part.empty()) return SandboxError("invalid user '" + spec + "': empty user name");
  if (spec.contains(':') && group_part.empty())
    return SandboxError("invalid user '" + spec + "': empty group name");

  auto users = passwd ? ParsePasswd(*passwd) : std::vector<PasswdEntry>{};
  auto groups = group ? ParseGroup(*group) : std::vector<GroupEntry>{};

  const PasswdEntry* entry = nullptr;
  if (auto uid = ParseId(user_part)) {
    out.uid = *uid;
    for (const auto& e : users)
      if (e.uid == *uid) {
        entry = &e;
        break;
      }
  } else {
    for (const auto& e : users)
      if (e.name == user_part) {
        entry = &e;
        break;
      }
    if (!entry)
      return SandboxError(
          "unable to find user '" + user_part + "': no matching entry in " +
          (passwd ? "the image's /etc/passwd" : "/etc/passwd (the image has none)"));
    out.uid = entry->uid;
  }
  if (entry) {
    out.gid = entry->gid;
    if (!entry->home.empty()) out.home = entry->home;
  }

  if (!group_part.empty()) {
    if (auto gid = ParseId(group_part)) {
      out.gid = *gid;
    } else {
      auto it = std::find_if(groups.begin(), groups.end(),
                             [&](const GroupEntry& g) { return g.name == group_part; });
      if (it == groups.end())
        return SandboxError("unable to find group '" + group_part + "': no matching entry in " +
                            (group ? "the image's /etc/group" : "/etc/group (the image has none)"));
      out.gid = it->gid;
    }
  }

  // Supplementary groups only in the implicit form: `name:group` runs with that group alone,
  // as runc's GetExecUser (BuildKit's RUN, `docker run --user`) does.
  if (entry && group_part.empty()) {
    for (const auto& g : groups) {
      if (g.gid == out.gid) continue;
      if (std::find(g.members.begin(), g.members.end(), entry->name) == g.members.end()) continue;
      if (std::find(out.additional_gids.begin(), out.additional_gids.end(), g.gid) ==
          out.additional_gids.end())
        out.additional_gids.push_back(g.gid);
    }
  }
  return out;
}

llvm::Expected<ResolvedUser> ResolveUserInRootfs(llvm::StringRef spec, const std::string& rootfs) {
  auto passwd = ReadFileInRoot(rootfs, "/etc/passwd");
  if (!passwd) return passwd.takeError();
  auto group = ReadFileInRoot(rootfs, "/etc/group");
  if (!group) return group.takeError();
  std::optional<llvm::StringRef> passwd_ref, group_ref;
  if (*passwd) passwd_ref = **passwd;
  if (*group) group_ref = **group;
  return ResolveUser(spec, passwd_ref, group_ref);
}

}  // namespace strata::exec
