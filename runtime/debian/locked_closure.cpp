// What a locked closure must satisfy before it is built: its files are the packages it names,
// and it holds what the program asks for.
#include "runtime/debian/locked_closure.h"

#include "runtime/debian/control_file.h"
#include "runtime/debian/relation.h"

namespace strata::debian {
namespace {

llvm::Error Invalid(const std::string& message) {
  return llvm::createStringError(std::errc::invalid_argument, "%s", message.c_str());
}

// The first stanza of a control file, or an error naming `what`.
llvm::Expected<Stanza> OnlyStanza(llvm::StringRef control, llvm::StringRef what) {
  llvm::Expected<std::vector<Stanza>> stanzas = ParseControl(control, what);
  if (!stanzas) return stanzas.takeError();
  if (stanzas->empty()) return Invalid(what.str() + " has an empty control file");
  return std::move(stanzas->front());
}

// Whether the package of `stanza` is, or provides, what `name` (with `version` when not empty)
// asks for.
bool Satisfies(const Stanza& stanza, llvm::StringRef name, llvm::StringRef version) {
  if (stanza.Get("Package") == name) return version.empty() || stanza.Get("Version") == version;
  llvm::Expected<std::vector<RelationGroup>> provides = ParseRelations(stanza.Get("Provides"));
  if (!provides) {
    llvm::consumeError(provides.takeError());
    return false;
  }
  for (const RelationGroup& group : *provides)
    for (const Relation& provided : group)
      if (provided.name == name &&
          (version.empty() || (provided.op == VersionOp::kEqual && provided.version == version)))
        return true;
  return false;
}

}  // namespace

llvm::Error CheckControlIs(llvm::StringRef control, llvm::StringRef name, llvm::StringRef version,
                           llvm::StringRef arch, llvm::StringRef filename) {
  llvm::Expected<Stanza> stanza = OnlyStanza(control, filename);
  if (!stanza) return stanza.takeError();
  llvm::StringRef got_name = stanza->Get("Package"), got_version = stanza->Get("Version"),
                  got_arch = stanza->Get("Architecture");
  if (got_name == name && got_version == version && got_arch == arch) return llvm::Error::success();
  return Invalid("the file locked as " + name.str() + " " + version.str() + " (" + arch.str() +
                 ") is " + got_name.str() + " " + got_version.str() + " (" + got_arch.str() +
                 ") by its control file (" + filename.str() + ")");
}

llvm::Error CheckClosureHasRequested(const std::vector<std::string>& requested,
                                     const std::vector<std::string>& controls) {
  std::vector<Stanza> stanzas;
  for (const std::string& control : controls) {
    llvm::Expected<Stanza> stanza = OnlyStanza(control, "a locked package");
    if (!stanza) return stanza.takeError();
    stanzas.push_back(std::move(*stanza));
  }
  for (const std::string& request : requested) {
    auto [name, version] = llvm::StringRef(request).split('=');
    name = name.trim();
    version = version.trim();
    bool found = false;
    for (const Stanza& stanza : stanzas)
      if ((found = Satisfies(stanza, name, version))) break;
    if (!found) return Invalid("has no package " + request);
  }
  return llvm::Error::success();
}

}  // namespace strata::debian
