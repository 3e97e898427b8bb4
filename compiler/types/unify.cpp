// Unification with union-find variables, level adjustment and row-polymorphic records.
#include "compiler/types/unify.h"

#include <llvm/ADT/StringRef.h>

#include <algorithm>

#include "compiler/types/predicate.h"
#include "compiler/types/type_printer.h"

namespace strata::types {

bool Unifier::Unify(Type* expected, Type* found) {
  failed_ = false;
  path_.clear();
  mismatch_ = Mismatch();
  return Walk(expected, found);
}

bool Unifier::Fail(MismatchKind kind, Type* expected, Type* found) {
  if (!failed_) {
    failed_ = true;
    mismatch_.kind = kind;
    mismatch_.expected = expected;
    mismatch_.found = found;
    mismatch_.path.assign(path_.begin(), path_.end());
  }
  return false;
}

bool Unifier::OccursOrAdjust(TypeVar* var, Type* type) {
  type = Resolve(type);
  if (!type->has_vars()) return true;
  switch (type->tag()) {
    case TypeTag::kVar: {
      auto* other = llvm::cast<TypeVar>(type);
      if (other == var) return false;
      if (other->level > var->level) other->level = var->level;
      return true;
    }
    case TypeTag::kList:
      return OccursOrAdjust(var, llvm::cast<ListTypeNode>(type)->element);
    case TypeTag::kFunction: {
      auto* fn = llvm::cast<FunctionTypeNode>(type);
      return OccursOrAdjust(var, fn->param) && OccursOrAdjust(var, fn->result);
    }
    case TypeTag::kRecord: {
      auto* record = llvm::cast<RecordTypeNode>(type);
      for (const FieldType& f : record->fields)
        if (!OccursOrAdjust(var, f.type)) return false;
      return OccursOrAdjust(var, record->tail);
    }
    default:
      return true;
  }
}

bool Unifier::Bind(TypeVar* var, Type* type) {
  type = Resolve(type);
  if (type == var) return true;
  if (auto* other = llvm::dyn_cast<TypeVar>(type)) {
    if (other->level > var->level) other->level = var->level;
    other->waiting.append(var->waiting.begin(), var->waiting.end());
    var->waiting.clear();
    var->link = other;
    return true;
  }
  if (!OccursOrAdjust(var, type)) return false;
  var->link = type;
  for (Predicate* p : var->waiting) context_.woken().push_back(p);
  var->waiting.clear();
  return true;
}

bool Unifier::Walk(Type* expected, Type* found) {
  expected = Resolve(expected);
  found = Resolve(found);
  if (expected == found) return true;
  if (llvm::isa<ErrorTypeNode>(expected) || llvm::isa<ErrorTypeNode>(found)) {
    if (auto* v = llvm::dyn_cast<TypeVar>(expected)) Bind(v, found);
    if (auto* v = llvm::dyn_cast<TypeVar>(found)) Bind(v, expected);
    return true;
  }
  if (auto* v = llvm::dyn_cast<TypeVar>(expected))
    return Bind(v, found) || Fail(MismatchKind::kOccurs, expected, found);
  if (auto* v = llvm::dyn_cast<TypeVar>(found))
    return Bind(v, expected) || Fail(MismatchKind::kOccurs, expected, found);
  if (expected->tag() != found->tag()) return Fail(MismatchKind::kTypes, expected, found);
  switch (expected->tag()) {
    case TypeTag::kList:
      return Walk(llvm::cast<ListTypeNode>(expected)->element,
                  llvm::cast<ListTypeNode>(found)->element) ||
             Fail(MismatchKind::kTypes, expected, found);
    case TypeTag::kFunction: {
      auto* e = llvm::cast<FunctionTypeNode>(expected);
      auto* f = llvm::cast<FunctionTypeNode>(found);
      return (Walk(e->param, f->param) && Walk(e->result, f->result)) ||
             Fail(MismatchKind::kTypes, expected, found);
    }
    case TypeTag::kRecord:
      return WalkRecords(expected, found);
    default:
      // Distinct base types (interned, so different pointers differ).
      return Fail(MismatchKind::kTypes, expected, found);
  }
}

bool Unifier::WalkRecords(Type* expected, Type* found) {
  FlatRecord e = Flatten(expected);
  FlatRecord f = Flatten(found);
  if (llvm::isa<ErrorTypeNode>(e.tail) || llvm::isa<ErrorTypeNode>(f.tail)) return true;
  // Fields only one side has; they extend the other side's row, if it is open.
  llvm::SmallVector<FieldType, 4> only_e, only_f;
  size_t i = 0, j = 0;
  while (i < e.fields.size() || j < f.fields.size()) {
    if (j == f.fields.size() || (i < e.fields.size() && e.fields[i].name < f.fields[j].name)) {
      only_e.push_back(e.fields[i++]);
    } else if (i == e.fields.size() || f.fields[j].name < e.fields[i].name) {
      only_f.push_back(f.fields[j++]);
    } else {
      path_.push_back(e.fields[i].name);
      bool ok = Walk(e.fields[i].type, f.fields[j].type);
      path_.pop_back();
      if (!ok) return false;
      ++i;
      ++j;
    }
  }
  auto* e_var = llvm::dyn_cast<TypeVar>(e.tail);
  auto* f_var = llvm::dyn_cast<TypeVar>(f.tail);
  // A closed side may lack only optional fields of the other side.
  auto check_closed = [&](llvm::ArrayRef<FieldType> extra, bool lacking_is_found) {
    for (const FieldType& field : extra) {
      if (field.optional) continue;
      Fail(lacking_is_found ? MismatchKind::kMissingField : MismatchKind::kUnexpectedField,
           expected, found);
      mismatch_.field = field.name;
      return false;
    }
    return true;
  };
  if (!f_var && !check_closed(only_e, /*lacking_is_found=*/true)) return false;
  if (!e_var && !check_closed(only_f, /*lacking_is_found=*/false)) return false;
  if (e_var && f_var) {
    if (e_var == f_var) {
      if (only_e.empty() && only_f.empty()) return true;
      return Fail(MismatchKind::kTypes, expected, found);
    }
    TypeVar* rest = context_.FreshVar(std::min(e_var->level, f_var->level), /*is_row=*/true);
    if (!Bind(e_var, only_f.empty() ? rest : context_.Record(only_f, rest)))
      return Fail(MismatchKind::kOccurs, expected, found);
    if (!Bind(f_var, only_e.empty() ? rest : context_.Record(only_e, rest)))
      return Fail(MismatchKind::kOccurs, expected, found);
    return true;
  }
  if (e_var) {
    Type* ext = only_f.empty() ? context_.EmptyRowType() : context_.ClosedRecord(only_f);
    return Bind(e_var, ext) || Fail(MismatchKind::kOccurs, expected, found);
  }
  if (f_var) {
    Type* ext = only_e.empty() ? context_.EmptyRowType() : context_.ClosedRecord(only_e);
    return Bind(f_var, ext) || Fail(MismatchKind::kOccurs, expected, found);
  }
  return true;
}

std::string DescribeMismatch(const Mismatch& m, Type* top_expected, Type* top_found) {
  TypePrinter printer;
  std::string where;
  for (Symbol s : m.path) where += (where.empty() ? "" : ".") + std::string(s.str());
  std::string in_field = where.empty() ? "" : "in field '" + where + "': ";
  switch (m.kind) {
    case MismatchKind::kMissingField:
      return in_field + "no field '" + std::string(m.field.str()) + "', which is required";
    case MismatchKind::kUnexpectedField: {
      std::string text = in_field + "an unexpected field '" + std::string(m.field.str()) + "'";
      // A misspelt option ("cahce") is the usual cause: name the closest expected field.
      llvm::StringRef wanted(m.field.str().data(), m.field.str().size());
      unsigned limit = std::max<unsigned>(1, (static_cast<unsigned>(wanted.size()) + 2) / 3);
      std::string best;
      unsigned best_distance = limit + 1;
      for (const FieldType& f : Flatten(m.expected).fields) {
        llvm::StringRef name(f.name.str().data(), f.name.str().size());
        unsigned distance = wanted.edit_distance(name, true, limit);
        if (distance >= std::min(wanted.size(), name.size())) continue;  // nothing in common
        if (distance < best_distance) {
          best_distance = distance;
          best = name.str();
        }
      }
      if (!best.empty()) text += "; did you mean '" + best + "'?";
      return text;
    }
    case MismatchKind::kOccurs:
      return in_field + "the type would be infinite: " + printer.Print(m.expected) + " occurs in " +
             printer.Print(m.found);
    case MismatchKind::kTypes:
      if (Resolve(m.expected) == Resolve(top_expected) && Resolve(m.found) == Resolve(top_found))
        return "";
      return in_field + "expected " + printer.Print(m.expected) + ", found " +
             printer.Print(m.found);
  }
  return "";
}

}  // namespace strata::types
