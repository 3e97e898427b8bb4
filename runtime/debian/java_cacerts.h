// What ca-certificates-java's postinst writes: the CA certificates as the JDK's trust store.
#pragma once

#include <llvm/Support/Error.h>

#include <map>
#include <string>

namespace strata::debian {

// The bytes of /etc/ssl/certs/java/cacerts: a JKS key store (password "changeit", the JDK's
// default) holding every certificate of `certificates` (relative .crt path → PEM file on the
// host, as ListCaCertificates gives them) as a trusted entry named as Debian names it
// ("debian:" + the file's base name, ".crt" → ".pem", lower case). Entry dates are 0, so the
// bytes depend on the certificates alone. A file that holds no PEM certificate is an error
// naming it.
llvm::Expected<std::string> JavaTrustStore(const std::map<std::string, std::string>& certificates);

// The JKS bytes for (alias, DER certificate) pairs, in alias order.
std::string JksTrustStore(const std::map<std::string, std::string>& der_by_alias,
                          const std::string& password);

}  // namespace strata::debian
