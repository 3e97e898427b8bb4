// A persistent cache of parsed files: one entry per key, checksummed, written atomically.
//
// An entry is `kMagic`, the 16-byte key, the payload's length and XXH3-64, then the payload
// (ast_codec.h). Entries are written to a temporary file and renamed into place, so a reader
// sees a whole entry or none; a torn or flipped byte fails the checksum and means a re-parse.
#include "compiler/syntax/parse_cache.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include <cstring>
#include <optional>

#include "compiler/support/atomic_file.h"
#include "compiler/support/binary_stamp.h"
#include "compiler/support/file_read.h"
#include "compiler/support/large_stack.h"
#include "compiler/syntax/ast_codec.h"
#include "compiler/syntax/parser.h"

namespace strata::syntax {
namespace {

// Bump when the encoding or the AST's meaning changes.
constexpr char kMagic[16] = "strata-ast-v1\n";
constexpr size_t kHeaderBytes = sizeof kMagic + 16 + 8 + 8;

XXH128_hash_t Key(const diag::SourceManager& sources, diag::FileId file) {
  // The compiler binary's identity: any rebuild (a changed parser or desugaring) changes it.
  const std::string& stamp = support::BinaryStamp();
  char cwd[4096];
  if (!::getcwd(cwd, sizeof cwd)) cwd[0] = '\0';
  std::string prefix = std::string(kMagic) + stamp + '\0' + cwd + '\0' + sources.Name(file) + '\0';
  XXH3_state_t* state = XXH3_createState();
  XXH3_128bits_reset(state);
  XXH3_128bits_update(state, prefix.data(), prefix.size());
  std::string_view text = sources.Text(file);
  XXH3_128bits_update(state, text.data(), text.size());
  XXH128_hash_t key = XXH3_128bits_digest(state);
  XXH3_freeState(state);
  return key;
}

std::string Hex(XXH128_hash_t key) {
  char out[33];
  std::snprintf(out, sizeof out, "%016llx%016llx", static_cast<unsigned long long>(key.high64),
                static_cast<unsigned long long>(key.low64));
  return out;
}

void PutU64(std::string& out, uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>(v >> (8 * i)));
}
uint64_t GetU64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i)
    v |= static_cast<uint64_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

// The payload of a valid entry for `key`, or nullopt.
std::optional<std::string_view> Payload(std::string_view entry, XXH128_hash_t key) {
  if (entry.size() < kHeaderBytes || std::memcmp(entry.data(), kMagic, sizeof kMagic) != 0)
    return std::nullopt;
  const char* p = entry.data() + sizeof kMagic;
  if (GetU64(p) != key.low64 || GetU64(p + 8) != key.high64) return std::nullopt;
  uint64_t size = GetU64(p + 16), checksum = GetU64(p + 24);
  std::string_view payload = entry.substr(kHeaderBytes);
  if (payload.size() != size || XXH3_64bits(payload.data(), payload.size()) != checksum)
    return std::nullopt;
  return payload;
}

void Store(const std::string& dir, const std::string& path, XXH128_hash_t key,
           const std::string& payload) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) return;
  std::string entry(kMagic, sizeof kMagic);
  PutU64(entry, key.low64);
  PutU64(entry, key.high64);
  PutU64(entry, payload.size());
  PutU64(entry, XXH3_64bits(payload.data(), payload.size()));
  entry += payload;
  // Best effort, and not durable: a lost entry is parsed again, a torn one is never seen.
  llvm::consumeError(support::WriteFileAtomic(path, entry, {0600, /*durable=*/false}));
}

}  // namespace

ParseCache::ParseCache(std::string dir) : dir_(std::move(dir)) {}

const ast::Expr* ParseCache::Parse(diag::SourceManager& sources, diag::FileId file,
                                   ast::Arena& arena, diag::DiagnosticEngine& diags) {
  if (dir_.empty()) {
    last_ = Outcome::kDisabled;
    return syntax::Parse(sources, file, arena, diags);
  }
  XXH128_hash_t key = Key(sources, file);
  std::string path = dir_ + "/" + Hex(key);
  size_t source_size = sources.Text(file).size();
  const ast::Expr* root = nullptr;
  // Deep trees (a long `|>` pipeline) recurse in the codec as in the parser: a large stack.
  if (llvm::Expected<std::string> entry = support::ReadFile(path)) {
    if (std::optional<std::string_view> payload = Payload(*entry, key))
      support::RunOnLargeStack([&] { root = DecodeAst(*payload, file, source_size, arena); });
  } else {
    llvm::consumeError(entry.takeError());  // no entry yet: parse
  }
  if (root) {
    last_ = Outcome::kHit;
    return root;
  }
  size_t diagnostics_before = diags.diagnostics().size();
  root = syntax::Parse(sources, file, arena, diags);
  last_ = Outcome::kMissNotStored;
  if (diags.diagnostics().size() == diagnostics_before) {
    std::optional<std::string> payload;
    support::RunOnLargeStack([&] { payload = EncodeAst(root, file); });
    if (payload) {
      Store(dir_, path, key, *payload);
      last_ = Outcome::kMissStored;
    }
  }
  return root;
}

}  // namespace strata::syntax
