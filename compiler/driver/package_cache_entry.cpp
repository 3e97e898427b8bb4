// The package-cache entry's binary record: written once per evaluated package, read on every
// lookup.
#include "compiler/driver/package_cache_entry.h"

#include <xxhash.h>

#include <cstdint>

namespace strata::driver {
namespace {

// Bump when an entry's meaning or layout changes (v1 was JSON; v2 had no stage graph).
constexpr std::string_view kMagic = "strata-package-cache-v3\n";

void PutU32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out += static_cast<char>(v >> (8 * i));
}
void PutString(std::string& out, std::string_view s) {
  PutU32(out, static_cast<uint32_t>(s.size()));
  out.append(s);
}

// Reads fields off the front of the body; any overrun leaves it failed.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool ok() const { return ok_; }
  bool done() const { return ok_ && data_.empty(); }
  uint32_t U32() {
    if (data_.size() < 4) return Fail();
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i)
      v |= static_cast<uint32_t>(static_cast<unsigned char>(data_[i])) << (8 * i);
    data_.remove_prefix(4);
    return v;
  }
  // A count of items each at least `min_size` bytes long: a damaged count fails here rather
  // than reserving a huge vector.
  uint32_t Count(size_t min_size) {
    uint32_t n = U32();
    if (ok_ && static_cast<uint64_t>(n) * min_size > data_.size()) return Fail();
    return n;
  }
  std::string String() {
    uint32_t n = U32();
    if (!ok_ || data_.size() < n) return Fail(), std::string();
    std::string s(data_.substr(0, n));
    data_.remove_prefix(n);
    return s;
  }
  bool Bool() {
    if (data_.empty()) return Fail();
    char c = data_[0];
    data_.remove_prefix(1);
    return c != 0;
  }

 private:
  uint32_t Fail() {
    ok_ = false;
    data_ = {};
    return 0;
  }
  std::string_view data_;
  bool ok_ = true;
};

}  // namespace

std::string PackageCacheEntry::Encode() const {
  std::string out(kMagic);
  PutString(out, package);
  PutU32(out, static_cast<uint32_t>(files.size()));
  for (const File& file : files) {
    PutString(out, file.path);
    out += file.hash ? '\1' : '\0';
    if (file.hash) PutString(out, *file.hash);
  }
  PutU32(out, static_cast<uint32_t>(locals.size()));
  for (const Local& local : locals) {
    PutString(out, local.path);
    PutU32(out, static_cast<uint32_t>(local.exclude.size()));
    for (const std::string& pattern : local.exclude) PutString(out, pattern);
    PutString(out, local.exclude_base);
    out += local.keep_modes ? '\1' : '\0';
    PutString(out, local.digest);
  }
  PutU32(out, static_cast<uint32_t>(targets.size()));
  for (const auto& [name, key] : targets) {
    PutString(out, name);
    PutString(out, key);
  }
  PutU32(out, static_cast<uint32_t>(imports.size()));
  for (const std::string& import : imports) PutString(out, import);
  PutU32(out, static_cast<uint32_t>(stages.size()));
  for (const StageNode& stage : stages) {
    PutString(out, stage.key);
    PutU32(out, static_cast<uint32_t>(stage.inputs.size()));
    for (uint32_t input : stage.inputs) PutU32(out, input);
  }
  uint64_t sum = XXH3_64bits(out.data(), out.size());
  for (int i = 0; i < 8; ++i) out += static_cast<char>(sum >> (8 * i));
  return out;
}

std::optional<PackageCacheEntry> PackageCacheEntry::Decode(std::string_view bytes) {
  if (bytes.size() < kMagic.size() + 8 || bytes.substr(0, kMagic.size()) != kMagic)
    return std::nullopt;
  size_t body_end = bytes.size() - 8;
  uint64_t sum = 0;
  for (int i = 0; i < 8; ++i)
    sum |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[body_end + i])) << (8 * i);
  if (XXH3_64bits(bytes.data(), body_end) != sum) return std::nullopt;
  Reader in(bytes.substr(kMagic.size(), body_end - kMagic.size()));
  PackageCacheEntry entry;
  entry.package = in.String();
  entry.files.resize(in.Count(5));
  for (File& file : entry.files) {
    file.path = in.String();
    if (in.Bool()) file.hash = in.String();
  }
  entry.locals.resize(in.Count(18));
  for (Local& local : entry.locals) {
    local.path = in.String();
    local.exclude.resize(in.Count(4));
    for (std::string& pattern : local.exclude) pattern = in.String();
    local.exclude_base = in.String();
    local.keep_modes = in.Bool();
    local.digest = in.String();
  }
  entry.targets.resize(in.Count(8));
  for (auto& [name, key] : entry.targets) {
    name = in.String();
    key = in.String();
  }
  entry.imports.resize(in.Count(4));
  for (std::string& import : entry.imports) import = in.String();
  entry.stages.resize(in.Count(8));
  for (StageNode& stage : entry.stages) {
    stage.key = in.String();
    stage.inputs.resize(in.Count(4));
    for (uint32_t& input : stage.inputs)
      if ((input = in.U32()) >= entry.stages.size()) return std::nullopt;
  }
  if (!in.done()) return std::nullopt;
  return entry;
}

}  // namespace strata::driver
