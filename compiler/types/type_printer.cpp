// Prints types the way users write them.
#include "compiler/types/type_printer.h"

#include "compiler/types/checker.h"

namespace strata::types {

std::string ToString(const Type* type) {
  if (!type) return "<none>";
  TypePrinter printer;
  return printer.Print(const_cast<Type*>(type));
}

std::string TypePrinter::Print(Type* type) {
  std::string out;
  Append(out, type, false);
  return out;
}

std::string TypePrinter::VarName(TypeVar* var) {
  auto [it, inserted] = names_.try_emplace(var);
  if (inserted) {
    size_t n = names_.size() - 1;
    it->second = std::string(1, static_cast<char>('a' + n % 26));
    if (n >= 26) it->second += std::to_string(n / 26);
  }
  return it->second;
}

void TypePrinter::Append(std::string& out, Type* type, bool atom) {
  type = Resolve(type);
  switch (type->tag()) {
    case TypeTag::kVar:
      out += VarName(llvm::cast<TypeVar>(type));
      return;
    case TypeTag::kCon:
      switch (llvm::cast<BaseType>(type)->base) {
        case BaseKind::kInt:
          out += "Int";
          return;
        case BaseKind::kBool:
          out += "Bool";
          return;
        case BaseKind::kString:
          out += "String";
          return;
        case BaseKind::kStage:
          out += "Stage";
          return;
        case BaseKind::kArtifact:
          out += "Artifact";
          return;
      }
      return;
    case TypeTag::kError:
      out += "<error>";
      return;
    case TypeTag::kEmptyRow:
      out += "{ }";
      return;
    case TypeTag::kList:
      if (atom) out += "(";
      out += "List ";
      Append(out, llvm::cast<ListTypeNode>(type)->element, true);
      if (atom) out += ")";
      return;
    case TypeTag::kFunction: {
      auto* fn = llvm::cast<FunctionTypeNode>(type);
      if (atom) out += "(";
      Type* param = Resolve(fn->param);
      Append(out, param, llvm::isa<FunctionTypeNode>(param));
      out += " -> ";
      Append(out, fn->result, false);
      if (atom) out += ")";
      return;
    }
    case TypeTag::kRecord: {
      FlatRecord flat = Flatten(type);
      bool open = !flat.closed();
      if (flat.fields.empty()) {
        out += open ? "{ ... }" : "{ }";
        return;
      }
      out += "{ ";
      bool first = true;
      for (const FieldType& f : flat.fields) {
        if (!first) out += "; ";
        first = false;
        out += f.name.str();
        if (f.optional) out += "?";
        out += " :: ";
        Append(out, f.type, false);
      }
      if (open) out += "; ...";
      out += " }";
      return;
    }
  }
}

}  // namespace strata::types
