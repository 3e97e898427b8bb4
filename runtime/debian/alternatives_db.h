// The update-alternatives database (/var/lib/dpkg/alternatives/NAME) for the alternatives a
// base's postinst scripts would have installed, so `update-alternatives --query` in the image
// knows them.
#pragma once

#include <llvm/Support/Error.h>

#include <functional>
#include <string>
#include <vector>

#include "runtime/debian/alternatives.h"

namespace strata::debian {

// The text of one NAME's database file as dpkg's update-alternatives keeps it, in auto mode:
// "auto", the master link, each slave's name and link (sorted by name), an empty line, then
// per choice (sorted by path) its path, its priority and one line per slave (its path, or an
// empty line when that choice has no such slave), and a closing empty line. `choices` share
// one name; the slaves are the union of theirs, and a slave's link is the one the first choice
// naming it gives (so put the winner first).
std::string AlternativesDbText(const std::string& master_link,
                               const std::vector<const Alternative*>& choices);

// Writes DIR/var/lib/dpkg/alternatives/NAME (0644, root) for every NAME that has a candidate
// whose path `exists` (update-alternatives drops a choice whose file is missing). A choice
// installed twice with the same path keeps its last registration, as a second --install
// would. The master link is the one of the choice auto mode picks (highest priority, ties: the
// smaller path). Names or paths holding a newline (which the format cannot hold) are skipped.
llvm::Error WriteAlternativesDb(const std::string& dir, const std::vector<Alternative>& candidates,
                                const std::function<bool(const std::string&)>& exists);

}  // namespace strata::debian
