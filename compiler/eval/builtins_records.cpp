// Record builtins: hasAttr and attrNames (neither forces the record's values).
#include "compiler/eval/machine.h"

namespace strata::eval {
namespace {

using diag::SourceRange;

Value HasAttr(Machine& m, Thunk* const* a, SourceRange call) {
  std::string_view name = m.ForceString(a[0], call, "the attribute name");
  llvm::ArrayRef<RecordField> fields = m.ForceRecord(a[1], call, "the record given to hasAttr");
  return Value::Bool(FindField(fields, Symbol::Intern(name)) != nullptr);
}

// Sorted, because records are kept sorted by name.
Value AttrNames(Machine& m, Thunk* const* a, SourceRange call) {
  llvm::ArrayRef<RecordField> fields = m.ForceRecord(a[0], call, "the argument of attrNames");
  Heap& heap = m.heap();
  Thunk** items = heap.Array<Thunk*>(fields.size());
  for (size_t i = 0; i < fields.size(); ++i)
    items[i] = heap.Done(heap.StringNoCopy(fields[i].name.str()));
  return Value::List(heap.New<ListData>(ListData{items, fields.size()}));
}

const BuiltinDef kRecordBuiltins[] = {
    {"hasAttr", 2, HasAttr},
    {"attrNames", 1, AttrNames},
};

}  // namespace

llvm::ArrayRef<BuiltinDef> RecordBuiltins() { return kRecordBuiltins; }

}  // namespace strata::eval
