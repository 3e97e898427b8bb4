// A hand-written scanner for relation fields; malformed input is an error naming the field text.
#include "runtime/debian/relation.h"

#include <cctype>

#include "runtime/debian/version.h"

namespace strata::debian {
namespace {

llvm::Error Malformed(llvm::StringRef field, llvm::StringRef why) {
  return llvm::createStringError(std::errc::invalid_argument, "malformed relation '%s': %s",
                                 field.take_front(120).str().c_str(), why.str().c_str());
}

bool IsNameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
}

void SkipSpace(llvm::StringRef& text) { text = text.ltrim(" \t\r\n"); }

}  // namespace

llvm::StringRef OpSpelling(VersionOp op) {
  switch (op) {
    case VersionOp::kAny:
      return "";
    case VersionOp::kLess:
      return "<<";
    case VersionOp::kLessEqual:
      return "<=";
    case VersionOp::kEqual:
      return "=";
    case VersionOp::kGreaterEqual:
      return ">=";
    case VersionOp::kGreater:
      return ">>";
  }
  return "";
}

std::string Relation::ToString() const {
  std::string text = name;
  if (!arch_qualifier.empty()) text += ":" + arch_qualifier;
  if (op != VersionOp::kAny) text += " (" + OpSpelling(op).str() + " " + version + ")";
  return text;
}

bool VersionSatisfies(llvm::StringRef candidate, VersionOp op, llvm::StringRef required) {
  if (op == VersionOp::kAny) return true;
  int c = CompareVersions(candidate, required);
  switch (op) {
    case VersionOp::kLess:
      return c < 0;
    case VersionOp::kLessEqual:
      return c <= 0;
    case VersionOp::kEqual:
      return c == 0;
    case VersionOp::kGreaterEqual:
      return c >= 0;
    case VersionOp::kGreater:
      return c > 0;
    case VersionOp::kAny:
      return true;
  }
  return false;
}

llvm::Expected<std::vector<RelationGroup>> ParseRelations(llvm::StringRef field) {
  std::vector<RelationGroup> groups;
  llvm::StringRef text = field;
  SkipSpace(text);
  if (text.empty()) return groups;
  RelationGroup group;
  while (true) {
    SkipSpace(text);
    Relation relation;
    size_t n = 0;
    while (n < text.size() && IsNameChar(text[n])) ++n;
    if (n == 0) return Malformed(field, "expected a package name");
    relation.name = text.take_front(n).str();
    text = text.drop_front(n);
    if (text.consume_front(":")) {
      size_t q = 0;
      while (q < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[q])) || text[q] == '-'))
        ++q;
      if (q == 0) return Malformed(field, "expected an architecture after ':'");
      relation.arch_qualifier = text.take_front(q).str();
      text = text.drop_front(q);
    }
    SkipSpace(text);
    if (text.consume_front("(")) {
      SkipSpace(text);
      if (text.consume_front("<<"))
        relation.op = VersionOp::kLess;
      else if (text.consume_front("<="))
        relation.op = VersionOp::kLessEqual;
      else if (text.consume_front(">="))
        relation.op = VersionOp::kGreaterEqual;
      else if (text.consume_front(">>"))
        relation.op = VersionOp::kGreater;
      else if (text.consume_front("="))
        relation.op = VersionOp::kEqual;
      else if (text.consume_front("<"))
        relation.op = VersionOp::kLessEqual;
      else if (text.consume_front(">"))
        relation.op = VersionOp::kGreaterEqual;
      else
        return Malformed(field, "expected one of << <= = >= >> after '('");
      SkipSpace(text);
      size_t close = text.find(')');
      if (close == llvm::StringRef::npos) return Malformed(field, "missing ')'");
      relation.version = text.take_front(close).rtrim(" \t\r\n").str();
      if (relation.version.empty() || relation.version.find_first_of(" \t") != std::string::npos)
        return Malformed(field, "expected one version inside '( )'");
      text = text.drop_front(close + 1);
      SkipSpace(text);
    }
    if (text.consume_front("[")) {
      size_t close = text.find(']');
      if (close == llvm::StringRef::npos) return Malformed(field, "missing ']'");
      llvm::SmallVector<llvm::StringRef, 4> archs;
      text.take_front(close).split(archs, ' ', -1, false);
      for (llvm::StringRef arch : archs) relation.arch_restrictions.push_back(arch.trim().str());
      text = text.drop_front(close + 1);
      SkipSpace(text);
    }
    while (text.consume_front("<")) {
      size_t close = text.find('>');
      if (close == llvm::StringRef::npos) return Malformed(field, "missing '>'");
      relation.profiles.push_back(text.take_front(close).trim().str());
      text = text.drop_front(close + 1);
      SkipSpace(text);
    }
    group.push_back(std::move(relation));
    if (text.empty()) {
      groups.push_back(std::move(group));
      return groups;
    }
    if (text.consume_front("|")) continue;
    if (text.consume_front(",")) {
      groups.push_back(std::move(group));
      group.clear();
      SkipSpace(text);
      if (text.empty()) return groups;  // a trailing comma is tolerated, as dpkg does
      continue;
    }
    return Malformed(field, "unexpected '" + text.take_front(1).str() + "'");
  }
}

}  // namespace strata::debian
