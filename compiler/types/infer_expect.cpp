// Unification with a report: type mismatches worded for the expression that caused them.
#include "compiler/types/infer.h"
#include "compiler/types/type_printer.h"

namespace strata::types {
namespace {

// The type of the field at the first `depth` names of `path` in a record type, if it has one
// (the whole field: the mismatch itself may be deeper, in a list's elements).
Type* FieldAt(Type* t, llvm::ArrayRef<Symbol> path, size_t depth) {
  for (size_t i = 0; i < depth && t; ++i) {
    if (!llvm::isa<RecordTypeNode>(Resolve(t))) return nullptr;
    FlatRecord flat = Flatten(t);
    const FieldType* f = flat.Find(path[i]);
    t = f ? f->type : nullptr;
  }
  return t;
}

}  // namespace

bool Inferencer::UnifyQuiet(Type* expected, Type* found) {
  bool ok = unifier_.Unify(expected, found);
  RunWoken();
  return ok;
}

bool Inferencer::Expect(Type* expected, Type* found, diag::SourceRange range,
                        const std::string& what, const ast::Expr* source) {
  if (unifier_.Unify(expected, found)) {
    RunWoken();
    return true;
  }
  const Mismatch& mismatch = unifier_.mismatch();
  // A record literal written right there (an argument): point at the field the mismatch is in,
  // and keep a note at the whole value, which `what` names.
  diag::SourceRange at = range;
  size_t located = 0;
  for (Symbol name : mismatch.path) {
    auto* record = llvm::dyn_cast_or_null<ast::Record>(source);
    if (!record) break;
    const ast::Field* field = nullptr;
    for (const ast::Field& f : record->fields)
      if (f.name == name) field = &f;
    if (!field) break;
    at = field->name_range.file == field->value->range().file
             ? diag::SourceRange::Join(field->name_range, field->value->range())
             : field->value->range();
    source = field->value;
    ++located;
  }
  TypePrinter printer;
  std::string message;
  Type* want = located ? FieldAt(expected, mismatch.path, located) : nullptr;
  Type* got = located ? FieldAt(found, mismatch.path, located) : nullptr;
  bool field_problem = mismatch.kind == MismatchKind::kMissingField ||
                       mismatch.kind == MismatchKind::kUnexpectedField;
  std::string where;
  for (size_t i = 0; i < located; ++i)
    where += (i ? "." : "") + std::string(mismatch.path[i].str());
  if (mismatch.kind == MismatchKind::kTypes && located && located == mismatch.path.size() && want &&
      got) {
    message = "field '" + where + "' of " + what + " has type " + printer.Print(got) +
              ", expected " + printer.Print(want);
  } else if (field_problem && located && located == mismatch.path.size()) {
    // A nested record literal lacks a field or has one too many: name just that field.
    Mismatch inner = mismatch;
    inner.path.clear();
    message =
        "field '" + where + "' of " + what + " has " + DescribeMismatch(inner, expected, found);
  } else if (field_problem && mismatch.path.empty() && !what.empty()) {
    // Records print long (option records have many fields): name just the field.
    message = what + " has " + DescribeMismatch(mismatch, expected, found);
  } else {
    std::string found_text = printer.Print(found);
    std::string expected_text = printer.Print(expected);
    message = what.empty() ? "type mismatch: expected " + expected_text + ", found " + found_text
                           : what + " has type " + found_text + ", expected " + expected_text;
    std::string detail = DescribeMismatch(mismatch, expected, found);
    if (!detail.empty()) message += " (" + detail + ")";
  }
  diag::Diagnostic& d = diags_.Error(at, message);
  if (located) d.notes.push_back({range, what + " is this record"});
  RunWoken();
  return false;
}

}  // namespace strata::types
