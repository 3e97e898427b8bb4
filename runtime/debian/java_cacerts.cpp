// The JKS format (magic FEEDFEED, version 2, trusted-certificate entries, then a SHA-1 over the
// password, a fixed salt string and everything before it) is simple and needs no JVM, and
// unlike PKCS#12 it has no random salt, so two builds give the same bytes.
#include "runtime/debian/java_cacerts.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cctype>
#include <filesystem>
#include <memory>

namespace strata::debian {
namespace {

void PutU16(std::string& out, uint32_t v) {
  out += static_cast<char>((v >> 8) & 0xff);
  out += static_cast<char>(v & 0xff);
}
void PutU32(std::string& out, uint32_t v) {
  PutU16(out, v >> 16);
  PutU16(out, v & 0xffff);
}
// Java's DataOutput.writeUTF: a 16-bit length, then the bytes (UTF-8 equals modified UTF-8 for
// the names used here, which hold no NUL and no character outside the BMP).
void PutUtf(std::string& out, const std::string& text) {
  PutU16(out, static_cast<uint32_t>(text.size()));
  out += text;
}

// The DER encoding of the first certificate in the PEM file at `path`; "" when there is none.
std::string FirstCertificateDer(const std::string& path) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_file(path.c_str(), "r"), BIO_free);
  if (!bio) return "";
  std::unique_ptr<X509, decltype(&X509_free)> cert(
      PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr), X509_free);
  if (!cert) return "";
  int size = i2d_X509(cert.get(), nullptr);
  if (size <= 0) return "";
  std::string der(static_cast<size_t>(size), '\0');
  auto* p = reinterpret_cast<unsigned char*>(der.data());
  i2d_X509(cert.get(), &p);
  return der;
}

}  // namespace

std::string JksTrustStore(const std::map<std::string, std::string>& der_by_alias,
                          const std::string& password) {
  std::string out;
  PutU32(out, 0xFEEDFEED);
  PutU32(out, 2);
  PutU32(out, static_cast<uint32_t>(der_by_alias.size()));
  for (const auto& [alias, der] : der_by_alias) {
    PutU32(out, 2);  // a trusted certificate entry
    PutUtf(out, alias);
    PutU32(out, 0);  // the entry's date (milliseconds, 64 bits): 0
    PutU32(out, 0);
    PutUtf(out, "X.509");
    PutU32(out, static_cast<uint32_t>(der.size()));
    out += der;
  }
  // The integrity check: SHA-1 over the password as UTF-16BE, "Mighty Aphrodite", the store.
  std::string keyed;
  for (char c : password) PutU16(keyed, static_cast<unsigned char>(c));
  keyed += "Mighty Aphrodite";
  keyed += out;
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(keyed.data(), keyed.size(), digest, &size, EVP_sha1(), nullptr);
  out.append(reinterpret_cast<const char*>(digest), size);
  return out;
}

llvm::Expected<std::string> JavaTrustStore(const std::map<std::string, std::string>& certificates) {
  std::map<std::string, std::string> der_by_alias;
  for (const auto& [name, path] : certificates) {
    std::string der = FirstCertificateDer(path);
    if (der.empty())
      return llvm::createStringError(std::errc::invalid_argument,
                                     "ca-certificates-java: %s holds no PEM certificate",
                                     name.c_str());
    std::string alias = "debian:" + std::filesystem::path(name).stem().string() + ".pem";
    for (char& c : alias) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    der_by_alias[alias] = std::move(der);
  }
  return JksTrustStore(der_by_alias, "changeit");
}

}  // namespace strata::debian
