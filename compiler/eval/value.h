// Runtime values of Strata, thunks and environments, all allocated in one bump arena.
//
// A Value is 16 bytes, passed by value: a tag and either an immediate (Int, Bool) or a
// pointer into the arena (strings, lists, records, functions) or the graph (nodes). Lists and
// records hold thunks, so building them never forces their elements.
#pragma once

#include <llvm/ADT/ArrayRef.h>
#include <llvm/ADT/DenseMap.h>
#include <llvm/Support/Allocator.h>

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "compiler/syntax/ast.h"
#include "compiler/syntax/symbol.h"

namespace strata::graph {
class Node;
}

namespace strata::eval {

using syntax::Symbol;

enum class ValueKind : uint8_t { kInt, kBool, kString, kList, kRecord, kFunction, kNode };

// Lowercase name of a kind for messages ("int", "record", ...).
std::string_view KindName(ValueKind kind);

struct Thunk;
struct Env;
struct BuiltinDef;

// Arena strings are not NUL-terminated; substrings share their parent's bytes.
struct StringData {
  const char* data;
  size_t size;
  std::string_view view() const { return std::string_view(data, size); }
};

// A list: a slice of thunks (tail shares its parent's array).
struct ListData {
  Thunk* const* items;
  size_t size;
};

struct RecordField {
  Symbol name;
  Thunk* value;
};

// A record: fields sorted by spelling, names unique.
struct RecordData {
  const RecordField* fields;
  size_t size;
};

// A closure (lambda + environment), or a builtin with the arguments given so far.
struct FunctionData {
  const ast::Lambda* lambda = nullptr;
  Env* env = nullptr;
  const BuiltinDef* builtin = nullptr;
  Thunk* const* args = nullptr;
  uint32_t arg_count = 0;
};

class Value {
 public:
  Value() : kind_(ValueKind::kInt) { u_.integer = 0; }
  static Value Int(int64_t v) {
    Value r(ValueKind::kInt);
    r.u_.integer = v;
    return r;
  }
  static Value Bool(bool v) {
    Value r(ValueKind::kBool);
    r.u_.boolean = v;
    return r;
  }
  static Value String(const StringData* v) {
    Value r(ValueKind::kString);
    r.u_.string = v;
    return r;
  }
  static Value List(const ListData* v) {
    Value r(ValueKind::kList);
    r.u_.list = v;
    return r;
  }
  static Value Record(const RecordData* v) {
    Value r(ValueKind::kRecord);
    r.u_.record = v;
    return r;
  }
  static Value Function(const FunctionData* v) {
    Value r(ValueKind::kFunction);
    r.u_.function = v;
    return r;
  }
  static Value Node(const graph::Node* v) {
    Value r(ValueKind::kNode);
    r.u_.node = v;
    return r;
  }

  ValueKind kind() const { return kind_; }
  bool is(ValueKind kind) const { return kind_ == kind; }

  // Accessors assume the kind was checked (Machine::Expect* check it for you).
  int64_t integer() const { return u_.integer; }
  bool boolean() const { return u_.boolean; }
  std::string_view string() const { return u_.string->view(); }
  llvm::ArrayRef<Thunk*> list() const {
    return llvm::ArrayRef<Thunk*>(u_.list->items, u_.list->size);
  }
  llvm::ArrayRef<RecordField> record() const {
    return llvm::ArrayRef<RecordField>(u_.record->fields, u_.record->size);
  }
  const FunctionData* function() const { return u_.function; }
  const graph::Node* node() const { return u_.node; }

 private:
  explicit Value(ValueKind kind) : kind_(kind) {}
  ValueKind kind_;
  union {
    int64_t integer;
    bool boolean;
    const StringData* string;
    const ListData* list;
    const RecordData* record;
    const FunctionData* function;
    const graph::Node* node;
  } u_;
};

// A deferred call `function arg` (map's elements, for instance). When `lazy_function` is set,
// the function itself is a thunk forced only with the call (`map (abort "x") xs` has a length).
struct ApplyData {
  Value function;
  Thunk* arg;
  diag::SourceRange call;
  Thunk* lazy_function = nullptr;
};

// A memoised suspended computation. Forcing moves it to kForcing (a black hole: forcing it
// again before it finishes is infinite recursion) and then to kDone.
struct Thunk {
  enum class State : uint8_t {
    kExpr,      // evaluate `expr` in `env`
    kApply,     // `apply`: a deferred call
    kBuiltin0,  // a builtin that takes no arguments (`scratch`): `builtin`
    kForcing,
    kDone,
  };
  // What a thunk still has to do, until it is done.
  struct Pending {
    const ast::Expr* expr;  // kExpr; null in the other states (messages test it)
    union {
      Env* env;
      const ApplyData* apply;
      const BuiltinDef* builtin;
    };
  };
  State state = State::kDone;
  // A done thunk needs only its value, a pending one only its work: sharing the storage makes
  // a thunk 24 bytes, not 40 (millions of them on a 100,000-target program). Force writes
  // `value` only once the work has returned; Value is trivially copyable, so that assignment
  // begins the value's lifetime.
  union {
    Value value;
    Pending pending;
  };
  Thunk() : pending{nullptr, {nullptr}} {}
};
static_assert(sizeof(Thunk) == 24, "a thunk is a state and one 16-byte union");

// The names bound by one scope (a let, a lambda, a pattern). Big scopes get a hash index.
struct Scope {
  const Symbol* names = nullptr;
  uint32_t size = 0;
  const llvm::DenseMap<const void*, uint32_t>* index = nullptr;
};

// One scope's bindings, chained to the enclosing environment.
struct Env {
  Env* parent = nullptr;
  Scope scope;
  Thunk** slots = nullptr;
};

// Finds a name in `env` or its parents; null when unbound.
Thunk* Lookup(const Env* env, Symbol name);

// Finds a field of a sorted record; null when absent.
const RecordField* FindField(llvm::ArrayRef<RecordField> fields, Symbol name);

// The arena owning every value, thunk and environment of an evaluation.
class Heap {
 public:
  template <typename T, typename... Args>
  T* New(Args&&... args) {
    return new (allocator_.Allocate<T>()) T(std::forward<Args>(args)...);
  }
  template <typename T>
  T* Array(size_t n) {
    return n == 0 ? nullptr : allocator_.Allocate<T>(n);
  }

  Value String(std::string_view text);               // copies the text
  Value StringNoCopy(std::string_view text);         // text outlives the heap (AST, stdlib)
  Value List(llvm::ArrayRef<Thunk*> items);          // copies the array
  Value Record(llvm::ArrayRef<RecordField> fields);  // copies and sorts by name
  Thunk* Done(Value value);
  Thunk* Deferred(const ast::Expr* expr, Env* env);
  Thunk* Applied(Value function, Thunk* arg, diag::SourceRange call);
  Thunk* AppliedLazy(Thunk* function, Thunk* arg, diag::SourceRange call);
  Env* NewEnv(Env* parent, Scope scope);
  // A scope over `names`, indexed when large; the names array must outlive the heap.
  Scope MakeScope(const Symbol* names, uint32_t size);

  size_t bytes_allocated() const { return allocator_.getBytesAllocated(); }

 private:
  llvm::BumpPtrAllocator allocator_;
  std::vector<std::unique_ptr<llvm::DenseMap<const void*, uint32_t>>> indexes_;
};

}  // namespace strata::eval
