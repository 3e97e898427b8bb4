// String builtins: toString, concatStringsSep, replaceStrings, substring, stringLength.
#include "compiler/eval/machine.h"

namespace strata::eval {
namespace {

using diag::SourceRange;

Value ToString(Machine& m, Thunk* const* a, SourceRange call) {
  Value v = m.Force(a[0]);
  switch (v.kind()) {
    case ValueKind::kInt:
      return m.heap().String(std::to_string(v.integer()));
    case ValueKind::kString:
      return v;
    case ValueKind::kBool:
      return m.heap().StringNoCopy(v.boolean() ? "true" : "false");
    default:
      m.TypeError(call, "the argument of toString", "an Int, a Bool or a String", v);
  }
}

Value ConcatStringsSep(Machine& m, Thunk* const* a, SourceRange call) {
  std::string_view sep = m.ForceString(a[0], call, "the separator");
  std::string out;
  bool first = true;
  for (Thunk* item : m.ForceList(a[1], call, "the list given to concatStringsSep")) {
    if (!first) out += sep;
    first = false;
    out += m.ForceString(item, call, "an element of concatStringsSep's list");
  }
  return m.heap().String(out);
}

// Like Nix: at each position the first matching `from` wins and is replaced; an empty
// `from` matches between characters.
Value ReplaceStrings(Machine& m, Thunk* const* a, SourceRange call) {
  std::vector<std::string> from = m.ForceStringList(a[0], call, "the strings to replace");
  llvm::ArrayRef<Thunk*> to = m.ForceList(a[1], call, "the replacements");
  if (from.size() != to.size())
    m.Fail(call, "replaceStrings: " + std::to_string(from.size()) + " patterns but " +
                     std::to_string(to.size()) + " replacements");
  std::string_view s = m.ForceString(a[2], call, "the string to search");
  std::vector<std::optional<std::string_view>> replacements(to.size());
  auto replacement = [&](size_t i) {
    if (!replacements[i]) replacements[i] = m.ForceString(to[i], call, "a replacement");
    return *replacements[i];
  };
  std::string out;
  size_t pos = 0;
  while (pos <= s.size()) {
    bool matched = false;
    for (size_t i = 0; i < from.size(); ++i) {
      if (s.compare(pos, from[i].size(), from[i]) != 0 || pos + from[i].size() > s.size()) continue;
      out += replacement(i);
      matched = true;
      if (from[i].empty()) {
        if (pos < s.size()) out += s[pos];
        ++pos;
      } else {
        pos += from[i].size();
      }
      break;
    }
    if (!matched) {
      if (pos < s.size()) out += s[pos];
      ++pos;
    }
  }
  return m.heap().String(out);
}

// `substring start length s`: bytes [start, start+length), clamped to the string's end. As in
// Nix, a negative length means "to the end"; a negative start is an error.
Value Substring(Machine& m, Thunk* const* a, SourceRange call) {
  int64_t start = m.ForceInt(a[0], call, "the start of substring");
  int64_t length = m.ForceInt(a[1], call, "the length of substring");
  std::string_view s = m.ForceString(a[2], call, "the string given to substring");
  if (start < 0) m.Fail(call, "substring: negative start " + std::to_string(start));
  if (static_cast<uint64_t>(start) >= s.size()) return m.heap().StringNoCopy({});
  size_t count = length < 0 ? std::string_view::npos : static_cast<size_t>(length);
  // The result shares the argument's bytes (arena strings are immutable).
  return m.heap().StringNoCopy(s.substr(static_cast<size_t>(start), count));
}

Value StringLength(Machine& m, Thunk* const* a, SourceRange call) {
  return Value::Int(
      static_cast<int64_t>(m.ForceString(a[0], call, "the argument of stringLength").size()));
}

Value Abort(Machine& m, Thunk* const* a, SourceRange call) {
  m.Fail(call, "aborted: " + std::string(m.ForceString(a[0], call, "the message of abort")));
}

const BuiltinDef kStringBuiltins[] = {
    {"toString", 1, ToString},
    {"concatStringsSep", 2, ConcatStringsSep},
    {"replaceStrings", 3, ReplaceStrings},
    {"substring", 3, Substring},
    {"stringLength", 1, StringLength},
    {"abort", 1, Abort},
};

}  // namespace

llvm::ArrayRef<BuiltinDef> StringBuiltins() { return kStringBuiltins; }

}  // namespace strata::eval
