// Debian version ordering: epochs compare as numbers, then the upstream part and the revision
// compare as alternating runs of non-digits (with '~' before everything, even the end) and
// digits (as numbers).
#include "runtime/debian/version.h"

#include <cctype>

namespace strata::debian {
namespace {

struct Parts {
  unsigned long long epoch = 0;
  llvm::StringRef upstream;
  llvm::StringRef revision;
};

Parts Split(llvm::StringRef version) {
  Parts parts;
  size_t colon = version.find(':');
  if (colon != llvm::StringRef::npos) {
    if (version.take_front(colon).getAsInteger(10, parts.epoch)) parts.epoch = 0;
    version = version.drop_front(colon + 1);
  }
  size_t dash = version.rfind('-');
  if (dash != llvm::StringRef::npos) {
    parts.revision = version.drop_front(dash + 1);
    version = version.take_front(dash);
  }
  parts.upstream = version;
  return parts;
}

// The weight of one character in a non-digit run: '~' sorts before the end of the run,
// letters before other characters, and the end of the string (0) between them.
int Weight(const char* p, const char* end) {
  if (p == end) return 0;
  unsigned char c = static_cast<unsigned char>(*p);
  if (std::isdigit(c)) return 0;
  if (std::isalpha(c)) return c;
  if (c == '~') return -1;
  return c + 256;
}

int ComparePart(llvm::StringRef a_text, llvm::StringRef b_text) {
  const char* a = a_text.begin();
  const char* a_end = a_text.end();
  const char* b = b_text.begin();
  const char* b_end = b_text.end();
  auto digit = [](const char* p, const char* end) {
    return p != end && std::isdigit(static_cast<unsigned char>(*p));
  };
  while (a != a_end || b != b_end) {
    // A run of non-digits, character by character.
    while ((a != a_end && !digit(a, a_end)) || (b != b_end && !digit(b, b_end))) {
      int wa = Weight(a, a_end);
      int wb = Weight(b, b_end);
      if (wa != wb) return wa - wb;
      if (a != a_end) ++a;
      if (b != b_end) ++b;
    }
    // A run of digits, as a number of any length: skip leading zeros, then the longer run
    // wins, and equal lengths compare by their first differing digit.
    while (a != a_end && *a == '0') ++a;
    while (b != b_end && *b == '0') ++b;
    int first_difference = 0;
    while (digit(a, a_end) && digit(b, b_end)) {
      if (first_difference == 0) first_difference = *a - *b;
      ++a;
      ++b;
    }
    if (digit(a, a_end)) return 1;
    if (digit(b, b_end)) return -1;
    if (first_difference != 0) return first_difference;
  }
  return 0;
}

bool AllOf(llvm::StringRef text, llvm::StringRef extra) {
  for (char c : text)
    if (!std::isalnum(static_cast<unsigned char>(c)) && extra.find(c) == llvm::StringRef::npos)
      return false;
  return true;
}

}  // namespace

int CompareVersions(llvm::StringRef a, llvm::StringRef b) {
  Parts pa = Split(a);
  Parts pb = Split(b);
  if (pa.epoch != pb.epoch) return pa.epoch < pb.epoch ? -1 : 1;
  if (int c = ComparePart(pa.upstream, pb.upstream)) return c;
  return ComparePart(pa.revision, pb.revision);
}

bool IsValidVersion(llvm::StringRef version) {
  if (version.empty()) return false;
  size_t colon = version.find(':');
  if (colon != llvm::StringRef::npos) {
    unsigned long long epoch;
    if (colon == 0 || version.take_front(colon).getAsInteger(10, epoch)) return false;
    version = version.drop_front(colon + 1);
  }
  size_t dash = version.rfind('-');
  llvm::StringRef upstream = dash == llvm::StringRef::npos ? version : version.take_front(dash);
  if (dash != llvm::StringRef::npos) {
    llvm::StringRef revision = version.drop_front(dash + 1);
    if (revision.empty() || !AllOf(revision, "+.~")) return false;
  }
  if (upstream.empty() || !std::isdigit(static_cast<unsigned char>(upstream.front()))) return false;
  return AllOf(upstream, ".+-~:") && upstream.find(':') == llvm::StringRef::npos;
}

}  // namespace strata::debian
