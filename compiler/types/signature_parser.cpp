// A small parser for the builtins' signatures, in the annotation syntax plus `name? :: T` for
// optional record fields (the user-facing annotation grammar has no optional fields).
#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallVector.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "compiler/types/builtin_types.h"

namespace strata::types {
namespace {

class SignatureParser {
 public:
  SignatureParser(TypeContext& context, std::string_view text,
                  llvm::DenseMap<const void*, Type*>& vars)
      : context_(context), text_(text), vars_(vars) {}

  Type* ParseAll() {
    Type* t = ParseType();
    Skip();
    if (pos_ != text_.size()) Fail("trailing text");
    return t;
  }

 private:
  [[noreturn]] void Fail(const char* what) {
    std::fprintf(stderr, "internal error: bad builtin signature '%.*s': %s at %zu\n",
                 static_cast<int>(text_.size()), text_.data(), what, pos_);
    std::abort();
  }
  void Skip() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  bool Eat(std::string_view token) {
    Skip();
    if (text_.substr(pos_, token.size()) != token) return false;
    pos_ += token.size();
    return true;
  }
  std::string_view Name() {
    Skip();
    size_t start = pos_;
    while (pos_ < text_.size() &&
           (std::isalnum(static_cast<unsigned char>(text_[pos_])) || text_[pos_] == '_'))
      ++pos_;
    return text_.substr(start, pos_ - start);
  }

  Type* ParseType() {
    Type* left = ParseApp();
    if (Eat("->")) return context_.Function(left, ParseType());
    return left;
  }
  Type* ParseApp() {
    Skip();
    size_t save = pos_;
    if (Name() == "List") return context_.List(ParseAtom());
    pos_ = save;
    return ParseAtom();
  }
  Type* ParseAtom() {
    if (Eat("(")) {
      Type* t = ParseType();
      if (!Eat(")")) Fail("expected ')'");
      return t;
    }
    if (Eat("{")) return ParseRecord();
    std::string_view name = Name();
    if (name.empty()) Fail("expected a type");
    if (std::islower(static_cast<unsigned char>(name[0]))) {
      auto [it, inserted] = vars_.try_emplace(Symbol::Intern(name).opaque(), nullptr);
      if (inserted) it->second = context_.FreshVar(kGenericLevel);
      return it->second;
    }
    if (name == "Int") return context_.Int();
    if (name == "Bool") return context_.Bool();
    if (name == "String") return context_.String();
    if (name == "Stage") return context_.Stage();
    if (name == "Artifact") return context_.Artifact();
    for (const BuiltinSignature& alias : BuiltinTypeAliases())
      if (alias.name == name) return SignatureParser(context_, alias.signature, vars_).ParseAll();
    Fail("unknown type name");
  }
  Type* ParseRecord() {
    llvm::SmallVector<FieldType, 8> fields;
    Type* tail = context_.EmptyRowType();
    while (!Eat("}")) {
      if (Eat("...")) {
        tail = context_.FreshVar(kGenericLevel, /*is_row=*/true);
        if (!Eat("}")) Fail("expected '}' after '...'");
        break;
      }
      std::string_view name = Name();
      if (name.empty()) Fail("expected a field name");
      bool optional = Eat("?");
      if (!Eat("::")) Fail("expected '::'");
      fields.push_back({Symbol::Intern(name), ParseType(), optional});
      if (!Eat(";")) {
        if (!Eat("}")) Fail("expected ';' or '}'");
        break;
      }
    }
    return context_.Record(fields, tail);
  }

  TypeContext& context_;
  std::string_view text_;
  llvm::DenseMap<const void*, Type*>& vars_;
  size_t pos_ = 0;
};

}  // namespace

Type* ParseSignature(TypeContext& context, std::string_view text) {
  llvm::DenseMap<const void*, Type*> vars;
  return SignatureParser(context, text, vars).ParseAll();
}

}  // namespace strata::types
