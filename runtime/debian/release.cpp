// Reads the fields of a Release file that the resolver and the lockfile need.
#include "runtime/debian/release.h"

#include "runtime/debian/control_file.h"

namespace strata::debian {

const IndexEntry* Release::Find(const std::string& path) const {
  auto it = files.find(path);
  return it == files.end() ? nullptr : &it->second;
}

llvm::Expected<Release> ParseRelease(llvm::StringRef text, llvm::StringRef requested) {
  llvm::Expected<std::vector<Stanza>> stanzas = ParseControl(text, "Release");
  if (!stanzas) return stanzas.takeError();
  if (stanzas->empty())
    return llvm::createStringError(std::errc::invalid_argument, "the Release file is empty");
  const Stanza& stanza = stanzas->front();
  Release release;
  release.suite = stanza.Get("Suite").str();
  release.codename = stanza.Get("Codename").str();
  release.date = stanza.Get("Date").str();
  release.by_hash = stanza.Get("Acquire-By-Hash") == "yes";
  if (requested != release.suite && requested != release.codename)
    return llvm::createStringError(
        std::errc::invalid_argument,
        "the Release file is for suite \"%s\" (codename \"%s\"), not \"%s\"", release.suite.c_str(),
        release.codename.c_str(), requested.str().c_str());
  for (llvm::StringRef line : ValueLines(stanza.Get("SHA256"))) {
    llvm::SmallVector<llvm::StringRef, 3> parts;
    line.split(parts, ' ', -1, false);
    IndexEntry entry;
    if (parts.size() != 3 || parts[0].size() != 64 || parts[1].getAsInteger(10, entry.size))
      return llvm::createStringError(std::errc::invalid_argument,
                                     "malformed SHA256 line in the Release file: '%s'",
                                     line.str().c_str());
    entry.sha256 = parts[0].lower();
    release.files[parts[2].str()] = entry;
  }
  if (release.files.empty())
    return llvm::createStringError(std::errc::invalid_argument,
                                   "the Release file lists no SHA256 hashes");
  return release;
}

}  // namespace strata::debian
