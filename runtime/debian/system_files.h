// The files that maintainer scripts and debootstrap would have written and that an image needs:
// users and groups, the dpkg status database, home and temp directories.
#pragma once

#include <llvm/Support/Error.h>

#include <map>
#include <string>
#include <vector>

namespace strata::debian {

struct InstalledPackage {
  std::string name;
  std::string control;             // the package's control file, as its .deb holds it
  std::vector<std::string> files;  // dpkg's files list (DebControl::files)
  std::string md5sums;             // dpkg's md5sums (DebControl::md5sums)
};

// The non-root user every Debian base has (distroless's uid and gid).
constexpr int kNonRootId = 65532;

// Writes into `dir` (a layer's tree, owned by root):
//   /etc/passwd, /etc/group        root (0) and nonroot (65532), shells /bin/sh and nologin
//   /var/lib/dpkg/status           every package's control stanza with "Status: install ok
//                                  installed", sorted by name, so dpkg-query --admindir, trivy,
//                                  syft and grype see each package and its version
//   /var/lib/dpkg/status.d/NAME    the same stanza per package, as distroless writes it
//   /var/lib/dpkg/info/P.list      each package's files list and md5sums, as dpkg keeps them
//   /var/lib/dpkg/info/P.md5sums   (P is NAME:ARCH for a Multi-Arch: same package, else NAME),
//                                  so dpkg --audit, -L, -S and --verify in the image answer;
//   /var/lib/dpkg/info/format      "1", the layout of those names
//   /root (0700), /home/nonroot (0700, 65532), /tmp (1777)
llvm::Error WriteSystemFiles(const std::string& dir, std::vector<InstalledPackage> packages);

// The certificates ca-certificates ships under usr/share/ca-certificates/ in the unpacked
// `trees` (each a package layer's tree): relative path → the file in its tree, sorted by path.
llvm::Expected<std::map<std::string, std::string>> ListCaCertificates(
    const std::vector<std::string>& trees);

// What ca-certificates' postinst (update-ca-certificates) writes: `certificates` (as listed
// above), in path order, concatenated into DIR/etc/ssl/certs/ca-certificates.crt (0644).
// Nothing is written when there are none. Returns how many went in.
llvm::Expected<size_t> WriteCaBundle(const std::string& dir,
                                     const std::map<std::string, std::string>& certificates);

// What ca-certificates-java's postinst writes: DIR/etc/ssl/certs/java/cacerts (0644), the same
// certificates as the JDK's trust store (java_cacerts.h). Returns how many went in.
llvm::Expected<size_t> WriteJavaCacerts(const std::string& dir,
                                        const std::map<std::string, std::string>& certificates);

// A control file as a status stanza: "Status: install ok installed" after its Package line,
// one trailing newline.
std::string StatusStanza(const std::string& control);

}  // namespace strata::debian
