// Arena allocation of values, and name and field lookup.
#include "compiler/eval/value.h"

#include <algorithm>
#include <cstring>

namespace strata::eval {
namespace {

// Scopes up to this size are searched linearly (pointer compares beat hashing there).
constexpr uint32_t kLinearScopeLimit = 12;
// Records up to this size are searched linearly by pointer; larger ones by binary search.
constexpr size_t kLinearRecordLimit = 8;

}  // namespace

std::string_view KindName(ValueKind kind) {
  switch (kind) {
    case ValueKind::kInt:
      return "Int";
    case ValueKind::kBool:
      return "Bool";
    case ValueKind::kString:
      return "String";
    case ValueKind::kList:
      return "List";
    case ValueKind::kRecord:
      return "record";
    case ValueKind::kFunction:
      return "function";
    case ValueKind::kNode:
      return "Stage or Artifact";
  }
  return "value";
}

Thunk* Lookup(const Env* env, Symbol name) {
  for (; env; env = env->parent) {
    const Scope& scope = env->scope;
    if (scope.index) {
      auto it = scope.index->find(name.opaque());
      if (it != scope.index->end()) return env->slots[it->second];
      continue;
    }
    for (uint32_t i = 0; i < scope.size; ++i)
      if (scope.names[i] == name) return env->slots[i];
  }
  return nullptr;
}

const RecordField* FindField(llvm::ArrayRef<RecordField> fields, Symbol name) {
  if (fields.size() <= kLinearRecordLimit) {
    for (const RecordField& field : fields)
      if (field.name == name) return &field;
    return nullptr;
  }
  auto it = std::lower_bound(fields.begin(), fields.end(), name,
                             [](const RecordField& f, Symbol n) { return f.name < n; });
  if (it != fields.end() && it->name == name) return it;
  return nullptr;
}

Value Heap::String(std::string_view text) {
  char* data = Array<char>(text.size());
  if (!text.empty()) std::memcpy(data, text.data(), text.size());
  return Value::String(New<StringData>(StringData{data, text.size()}));
}

Value Heap::StringNoCopy(std::string_view text) {
  return Value::String(New<StringData>(StringData{text.data(), text.size()}));
}

Value Heap::List(llvm::ArrayRef<Thunk*> items) {
  Thunk** data = Array<Thunk*>(items.size());
  std::copy(items.begin(), items.end(), data);
  return Value::List(New<ListData>(ListData{data, items.size()}));
}

Value Heap::Record(llvm::ArrayRef<RecordField> fields) {
  RecordField* data = Array<RecordField>(fields.size());
  std::uninitialized_copy(fields.begin(), fields.end(), data);
  std::sort(data, data + fields.size(),
            [](const RecordField& a, const RecordField& b) { return a.name < b.name; });
  return Value::Record(New<RecordData>(RecordData{data, fields.size()}));
}

Thunk* Heap::Done(Value value) {
  Thunk* thunk = New<Thunk>();
  thunk->value = value;
  return thunk;
}

Thunk* Heap::Deferred(const ast::Expr* expr, Env* env) {
  Thunk* thunk = New<Thunk>();
  thunk->state = Thunk::State::kExpr;
  thunk->pending.expr = expr;
  thunk->pending.env = env;
  return thunk;
}

Thunk* Heap::Applied(Value function, Thunk* arg, diag::SourceRange call) {
  Thunk* thunk = New<Thunk>();
  thunk->state = Thunk::State::kApply;
  thunk->pending.apply = New<ApplyData>(ApplyData{function, arg, call});
  return thunk;
}

Thunk* Heap::AppliedLazy(Thunk* function, Thunk* arg, diag::SourceRange call) {
  Thunk* thunk = New<Thunk>();
  thunk->state = Thunk::State::kApply;
  thunk->pending.apply = New<ApplyData>(ApplyData{Value(), arg, call, function});
  return thunk;
}

Env* Heap::NewEnv(Env* parent, Scope scope) {
  Env* env = New<Env>();
  env->parent = parent;
  env->scope = scope;
  env->slots = Array<Thunk*>(scope.size);
  // Zeroed: while a let or pattern is being bound, a name whose slot is not filled yet
  // must look unbound-here (Suspend then defers it) rather than hold garbage.
  std::fill(env->slots, env->slots + scope.size, nullptr);
  return env;
}

Scope Heap::MakeScope(const Symbol* names, uint32_t size) {
  Scope scope{names, size, nullptr};
  if (size > kLinearScopeLimit) {
    indexes_.push_back(std::make_unique<llvm::DenseMap<const void*, uint32_t>>());
    auto* index = indexes_.back().get();
    index->reserve(size);
    // Later duplicates lose, like the linear search (the parser rejects duplicates anyway).
    for (uint32_t i = 0; i < size; ++i) index->try_emplace(names[i].opaque(), i);
    scope.index = index;
  }
  return scope;
}

}  // namespace strata::eval
