// Plans COPY and ADD: sources from the context (globs expanded, .dockerignore applied), from
// stages, images and named contexts, heredocs (text), ADD of a pinned URL (fetch) and of a
// local tar (extract).
#include <archive.h>
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <memory>

#include "compiler/dockerfile/lower_internal.h"
#include "compiler/dockerfile/text_util.h"
#include "compiler/graph/ignore_patterns.h"
#include "compiler/graph/local_source.h"
#include "compiler/support/dir_names.h"

namespace strata::dockerfile {
namespace {

bool IsUrl(std::string_view s) { return s.rfind("http://", 0) == 0 || s.rfind("https://", 0) == 0; }

// True when libarchive reads a first tar header from the file through one of the
// decompressors dockerd 20.10 knows (gzip, bzip2, xz; a zstd tar is copied as is there).
bool HoldsTarHeader(const std::string& path) {
  std::unique_ptr<archive, decltype(&archive_read_free)> reader(archive_read_new(),
                                                                &archive_read_free);
  if (!reader) return false;
  archive_read_support_filter_gzip(reader.get());
  archive_read_support_filter_bzip2(reader.get());
  archive_read_support_filter_xz(reader.get());
  archive_read_support_format_tar(reader.get());
  if (archive_read_open_filename(reader.get(), path.c_str(), 4096) != ARCHIVE_OK) return false;
  archive_entry* entry = nullptr;
  int rc = archive_read_next_header(reader.get(), &entry);
  return rc == ARCHIVE_OK || rc == ARCHIVE_WARN;
}

bool IsGitUrl(std::string_view s) {
  return s.rfind("git@", 0) == 0 || s.rfind("git://", 0) == 0 ||
         (IsUrl(s) && s.size() > 4 && s.substr(s.size() - 4) == ".git");
}

// True when the file is a tar archive, plain or compressed (what ADD unpacks). A compressed
// file counts only when it holds a tar, as BuildKit reads one tar header through the
// decompressor: a gzip of anything else is copied as is. zstd is not one of dockerd 20.10's
// decompressors: a `.tar.zst` is copied as is (later Docker versions unpack it).
bool LooksLikeArchive(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string head(512, '\0');
  in.read(head.data(), head.size());
  head.resize(static_cast<size_t>(in.gcount()));
  auto starts = [&](std::string_view magic) { return head.compare(0, magic.size(), magic) == 0; };
  if (starts("\x1f\x8b") || starts("BZh") ||
      starts(std::string_view("\xfd"
                              "7zXZ\0",
                              6)))
    return HoldsTarHeader(path);
  return head.size() >= 262 && head.compare(257, 5, "ustar") == 0;
}

std::vector<std::string> ListDir(const std::string& dir) {
  std::vector<std::string> names = support::SortedDirNamesOrNone(dir);
  names.erase(std::remove_if(names.begin(), names.end(), graph::IsExcludedLocalEntry), names.end());
  return names;
}

// BuildKit's `^(\d*)<<(-?)([^<]*)$`: a COPY/ADD word that names a heredoc.
bool IsHeredocWord(std::string_view word) {
  size_t i = 0;
  while (i < word.size() && std::isdigit(static_cast<unsigned char>(word[i]))) ++i;
  if (word.compare(i, 2, "<<") != 0) return false;
  i += 2;
  if (i < word.size() && word[i] == '-') ++i;
  return i < word.size() && word.find('<', i) == std::string_view::npos;
}

std::string WithSlash(std::string s) { return s.empty() || s.back() != '/' ? s + "/" : s; }

}  // namespace

bool Planner::ExpandContextSource(const std::string& source, const std::string& host_dir,
                                  const std::vector<std::string>& exclude, diag::SourceRange at,
                                  std::vector<std::string>& out) {
  std::string clean = CleanSlashPath(source);
  if (clean[0] == '/') clean = CleanSlashPath(clean.substr(1));
  if (clean == ".." || clean.rfind("../", 0) == 0) {
    diags_.Error(at, "COPY source \"" + source + "\" is outside the build context");
    return false;
  }
  if (clean == ".") {
    out.push_back("");
    return true;
  }
  graph::IgnoreMatcher ignore(exclude);
  auto exists = [&](const std::string& rel) {
    struct stat st;
    return lstat((host_dir + "/" + rel).c_str(), &st) == 0;
  };
  // What BuildKit's context holds: an ignored directory is still there when an exception
  // re-includes something below it (then it holds just that).
  auto sent = [&](const std::string& rel) {
    if (!ignore.IsIgnored(rel)) return true;
    struct stat st;
    std::string path = host_dir + "/" + rel;
    return lstat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode) &&
           graph::HoldsIncludedEntry(path, rel, ignore);
  };
  if (!HasGlob(clean)) {
    if (!exists(clean)) {
      diags_.Error(at, "COPY source \"" + source + "\" not found in the build context " + host_dir);
      return false;
    }
    if (!sent(clean)) {
      diags_.Error(at, "COPY source \"" + source + "\" is excluded by .dockerignore");
      return false;
    }
    out.push_back(clean);
    return true;
  }
  // Segment by segment: `*` never crosses a `/`. An empty match is no error (BuildKit).
  std::vector<std::string> paths{""};
  size_t begin = 0;
  while (begin <= clean.size()) {
    size_t end = clean.find('/', begin);
    if (end == std::string::npos) end = clean.size();
    std::string segment = clean.substr(begin, end - begin);
    std::vector<std::string> next;
    for (const std::string& prefix : paths) {
      if (!HasGlob(segment)) {
        next.push_back(prefix.empty() ? segment : prefix + "/" + segment);
        continue;
      }
      for (const std::string& name : ListDir(prefix.empty() ? host_dir : host_dir + "/" + prefix))
        if (graph::IgnoreMatcher::Matches(segment, name))
          next.push_back(prefix.empty() ? name : prefix + "/" + name);
    }
    paths = std::move(next);
    begin = end + 1;
  }
  for (const std::string& path : paths)
    if (exists(path) && sent(path)) out.push_back(path);
  return true;
}

void Planner::PlanCopy(const ExpandedInstruction& in, StagePlan& stage) {
  const Instruction& source = *in.source;
  bool add = source.kind == InstructionKind::kAdd;
  const char* what = add ? "ADD" : "COPY";
  if (in.args.size() < 2) return;  // the parser reported it
  // Raw words tell heredocs apart (`<<'EOF'` is `<<EOF` once expanded).
  bool raw_words = source.args.size() == in.args.size();
  if (raw_words && IsHeredocWord(source.args.back().value)) {
    diags_.Error(source.args.back().range,
                 std::string(what) + " cannot accept a heredoc as a destination");
    return;
  }
  std::string dest = in.args.back();
  std::vector<std::string> sources(in.args.begin(), in.args.end() - 1);

  graph::CopyOptions copy;
  std::string from, checksum;
  bool parents = false;
  std::optional<bool> unpack;
  for (const Flag& flag : in.flags) {
    std::string value = flag.value.value_or("");
    bool on = !flag.value || ToLowerAscii(value) == "true" || value.empty();
    if (flag.name == "from")
      from = value;
    else if (flag.name == "chown")
      copy.chown = value;
    else if (flag.name == "chmod") {
      if (value.empty() || value.find_first_not_of("01234567") != std::string::npos ||
          value.size() > 4)
        diags_.Error(flag.range,
                     "--chmod=" + value + ": only octal modes (like 0755) are supported");
      copy.chmod = value;
    } else if (flag.name == "link")
      copy.link = on;
    else if (flag.name == "exclude")
      copy.exclude.push_back(value);
    else if (flag.name == "parents")
      parents = on;
    else if (flag.name == "checksum")
      checksum = value;
    else if (flag.name == "unpack")
      unpack = on;
  }

  PlanSource origin;
  origin.kind = PlanSource::Kind::kContext;
  if (!from.empty() && !ResolveFrom(from, stage.index, source.range, origin)) return;
  if (parents && origin.kind != PlanSource::Kind::kContext) {
    diags_.Error(source.range, std::string(what) +
                                   " --parents is supported only for sources in the build context");
    return;
  }

  std::vector<PlanSource> planned;
  std::vector<std::string> dests;
  bool many = sources.size() > 1;
  size_t next_heredoc = 0;
  for (size_t index = 0; index < sources.size(); ++index) {
    const std::string& src = sources[index];
    if (raw_words && IsHeredocWord(source.args[index].value)) {
      // `COPY <<EOF /dest`: a file named after the delimiter, holding the body.
      if (next_heredoc >= source.heredocs.size() || next_heredoc >= in.heredocs.size()) {
        diags_.Error(source.args[index].range, "heredoc " + src + " has no body");
        continue;
      }
      const Heredoc& doc = source.heredocs[next_heredoc];
      PlanSource text;
      text.kind = PlanSource::Kind::kText;
      text.name = doc.name;
      text.content = in.heredocs[next_heredoc++];
      if (text.name == "." || text.name == ".." || text.name.find('/') != std::string::npos) {
        diags_.Error(doc.range,
                     "heredoc name \"" + text.name + "\" must be a file name, without /");
        continue;
      }
      planned.push_back(text);
      dests.push_back(dest);
      continue;
    }
    if (IsUrl(src) || IsGitUrl(src)) {
      if (!add) {
        diags_.Error(source.range,
                     "COPY cannot take a URL (" + src + "): use ADD --checksum=sha256:...");
        continue;
      }
      if (IsGitUrl(src)) {
        diags_.Error(source.range, "ADD of a git repository is not supported yet: " + src);
        continue;
      }
      std::string hex = checksum.rfind("sha256:", 0) == 0 ? checksum.substr(7) : "";
      if (hex.size() != 64 || hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
        diags_.Error(source.range,
                     checksum.empty()
                         ? "ADD " + src +
                               " needs --checksum=sha256:<64 hex digits>: "
                               "Strata builds take no unpinned input from the network"
                         : "ADD --checksum must be sha256:<64 lowercase hex digits>, not \"" +
                               checksum + "\"");
        continue;
      }
      PlanSource fetch;
      fetch.kind = PlanSource::Kind::kFetch;
      fetch.name = src;
      fetch.sha256 = hex;
      std::string path = src.substr(0, src.find_first_of("?#"));
      std::string base(support::BaseName(path.substr(path.find("://") + 3)));
      if (base.empty() || path.find('/', path.find("://") + 3) == std::string::npos)
        base = "index.html";
      planned.push_back(fetch);
      dests.push_back(!dest.empty() && dest.back() == '/' ? dest + base : dest);
      continue;
    }
    if (!checksum.empty())
      diags_.Error(source.range,
                   "--checksum can only be used with a URL source, not \"" + src + "\"");

    bool local = origin.kind == PlanSource::Kind::kContext ||
                 (origin.kind == PlanSource::Kind::kNamedContext &&
                  options_.named_contexts.at(origin.name).kind == NamedContext::Kind::kLocal);
    if (!local) {
      // A stage or an image: paths are absolute; the runtime's select expands wildcards (how
      // many match is known only then, so a destination without `/` is not refused here).
      PlanSource s = origin;
      s.path = CleanSlashPath("/" + src);
      planned.push_back(s);
      dests.push_back(dest);
      continue;
    }
    std::string host_dir;
    std::vector<std::string> exclude;
    if (origin.kind == PlanSource::Kind::kContext) {
      if (options_.context_dir.empty()) {
        diags_.Error(source.range, std::string(what) + " of \"" + src +
                                       "\" needs a build context, and there is none");
        continue;
      }
      host_dir = options_.context_dir;
      exclude = options_.context_exclude;
      plan_.uses_context = true;
    } else {
      host_dir = options_.named_contexts.at(origin.name).host_dir;
    }
    std::vector<std::string> matches;
    std::string memo =
        (origin.kind == PlanSource::Kind::kContext ? "c" : "n") + host_dir + '\0' + src;
    if (auto known = context_matches_.find(memo); known != context_matches_.end()) {
      matches = known->second;
    } else {
      if (!ExpandContextSource(src, host_dir, exclude, source.range, matches)) continue;
      context_matches_.emplace(std::move(memo), matches);
    }
    if (HasGlob(src) && matches.size() != 1) many = true;
    for (const std::string& rel : matches) {
      PlanSource s = origin;
      s.path = rel;
      std::string to = dest;
      if (parents) {
        // --parents keeps the path below the context root (or below a `/./` pivot).
        std::string kept = rel;
        if (size_t pivot = src.find("/./"); pivot != std::string::npos) {
          std::string below = CleanSlashPath(src.substr(0, pivot));
          if (below != "." && kept.rfind(below + "/", 0) == 0) kept = kept.substr(below.size() + 1);
        }
        struct stat st;
        bool dir = stat((host_dir + "/" + rel).c_str(), &st) == 0 && S_ISDIR(st.st_mode);
        size_t slash = kept.find_last_of('/');
        to = WithSlash(dest) + (dir                          ? kept + "/"
                                : slash == std::string::npos ? ""
                                                             : kept.substr(0, slash + 1));
      }
      planned.push_back(s);
      dests.push_back(to);
      if (add && (!unpack || *unpack)) {
        struct stat st;
        std::string host = host_dir + "/" + rel;
        if (stat(host.c_str(), &st) == 0 && S_ISREG(st.st_mode) && LooksLikeArchive(host))
          planned.back().sha256 = "extract";  // marker, moved to the step below
      }
    }
  }
  if (many && !dest.empty() && dest.back() != '/' && !parents) {
    diags_.Error(source.range, std::string("when using ") + what +
                                   " with more than one source file, the destination must be a "
                                   "directory and end with a /");
    return;
  }
  for (size_t i = 0; i < planned.size(); ++i) {
    bool extract = planned[i].kind != PlanSource::Kind::kFetch && planned[i].sha256 == "extract";
    if (extract && !copy.chown.empty()) MakeDestDir(in, dests[i], copy.chown, stage);
    PlanStep& step = AddStep(stage, PlanStep::Kind::kCopy, in);
    step.copy = copy;
    step.dest = dests[i];
    step.source = planned[i];
    if (extract) {
      step.source.sha256.clear();
      step.copy.extract = true;
      step.copy.chown.clear();  // given to the destination only (MakeDestDir)
    }
  }
}

// `ADD --chown` of a local archive, as BuildKit does it: the destination folders it makes are
// owned by the --chown user, the archive's entries keep their own owners. The folders come
// from a copy of scratch's empty root (as WORKDIR's), which leaves existing ones as they are.
void Planner::MakeDestDir(const ExpandedInstruction& in, std::string dest, const std::string& chown,
                          StagePlan& stage) {
  while (dest.size() > 1 && dest.back() == '/') dest.pop_back();
  if (dest.empty() || dest == "/" || dest == ".") return;
  PlanStep& step = AddStep(stage, PlanStep::Kind::kCopy, in);
  step.source.kind = PlanSource::Kind::kScratch;
  step.source.path = "/";
  step.dest = dest;
  step.copy.chown = chown;
}

}  // namespace strata::dockerfile
