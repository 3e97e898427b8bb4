// List builtins. `map` and `length` force the list's spine only, never its elements.
#include "compiler/eval/machine.h"

namespace strata::eval {
namespace {

using diag::SourceRange;

// Lists longer than this are refused by `range` (a typo like `range 0 1000000000000`).
constexpr int64_t kMaxRangeLength = 100'000'000;

// Lazy in the function too, as in Nix: it is forced with the first element forced.
Value Map(Machine& m, Thunk* const* a, SourceRange call) {
  llvm::ArrayRef<Thunk*> xs = m.ForceList(a[1], call, "the list given to map");
  Heap& heap = m.heap();
  Thunk** items = heap.Array<Thunk*>(xs.size());
  for (size_t i = 0; i < xs.size(); ++i) items[i] = heap.AppliedLazy(a[0], xs[i], call);
  return Value::List(heap.New<ListData>(ListData{items, xs.size()}));
}

Value Filter(Machine& m, Thunk* const* a, SourceRange call) {
  Value f = m.Expect(a[0], ValueKind::kFunction, call, "the predicate given to filter");
  llvm::ArrayRef<Thunk*> xs = m.ForceList(a[1], call, "the list given to filter");
  std::vector<Thunk*> kept;
  for (Thunk* x : xs)
    if (m.ExpectValue(m.Apply(f, x, call), ValueKind::kBool, call, "the predicate's result")
            .boolean())
      kept.push_back(x);
  if (kept.size() == xs.size()) return m.Force(a[1]);
  return m.heap().List(kept);
}

// Strict in the accumulator (like Nix's foldl'), so a long fold needs no deep stack.
Value Foldl(Machine& m, Thunk* const* a, SourceRange call) {
  Value f = m.Expect(a[0], ValueKind::kFunction, call, "the function given to foldl");
  llvm::ArrayRef<Thunk*> xs = m.ForceList(a[2], call, "the list given to foldl");
  Thunk* acc = a[1];
  if (xs.empty()) return m.Force(acc);
  for (Thunk* x : xs) {
    Value partial = m.Apply(f, acc, call);
    acc = m.heap().Done(m.Apply(partial, x, call));
  }
  return acc->value;
}

Value Length(Machine& m, Thunk* const* a, SourceRange call) {
  return Value::Int(static_cast<int64_t>(m.ForceList(a[0], call, "the argument of length").size()));
}

Value Elem(Machine& m, Thunk* const* a, SourceRange call) {
  llvm::ArrayRef<Thunk*> xs = m.ForceList(a[1], call, "the list given to elem");
  Value needle = m.Force(a[0]);
  for (Thunk* x : xs)
    if (m.Equal(needle, m.Force(x), call)) return Value::Bool(true);
  return Value::Bool(false);
}

Value Head(Machine& m, Thunk* const* a, SourceRange call) {
  llvm::ArrayRef<Thunk*> xs = m.ForceList(a[0], call, "the argument of head");
  if (xs.empty()) m.Fail(call, "head of an empty list");
  return m.Force(xs[0]);
}

// `elemAt xs n`, counting from 0; an index outside the list fails at the caller.
Value ElemAt(Machine& m, Thunk* const* a, SourceRange call) {
  llvm::ArrayRef<Thunk*> xs = m.ForceList(a[0], call, "the list given to elemAt");
  int64_t n = m.ForceInt(a[1], call, "the index given to elemAt");
  if (n < 0 || static_cast<uint64_t>(n) >= xs.size())
    m.Fail(call, "index " + std::to_string(n) + " out of bounds for a list of length " +
                     std::to_string(xs.size()));
  return m.Force(xs[static_cast<size_t>(n)]);
}

Value Tail(Machine& m, Thunk* const* a, SourceRange call) {
  llvm::ArrayRef<Thunk*> xs = m.ForceList(a[0], call, "the argument of tail");
  if (xs.empty()) m.Fail(call, "tail of an empty list");
  return Value::List(m.heap().New<ListData>(ListData{xs.data() + 1, xs.size() - 1}));
}

Value ConcatLists(Machine& m, Thunk* const* a, SourceRange call) {
  std::vector<Thunk*> items;
  for (Thunk* xs : m.ForceList(a[0], call, "the argument of concatLists")) {
    llvm::ArrayRef<Thunk*> inner = m.ForceList(xs, call, "an element of concatLists' argument");
    items.insert(items.end(), inner.begin(), inner.end());
  }
  return m.heap().List(items);
}

Value ConcatMap(Machine& m, Thunk* const* a, SourceRange call) {
  Value f = m.Expect(a[0], ValueKind::kFunction, call, "the function given to concatMap");
  std::vector<Thunk*> items;
  for (Thunk* x : m.ForceList(a[1], call, "the list given to concatMap")) {
    Value inner =
        m.ExpectValue(m.Apply(f, x, call), ValueKind::kList, call, "the function's result");
    items.insert(items.end(), inner.list().begin(), inner.list().end());
  }
  return m.heap().List(items);
}

// `range first last`: the Ints from first to last, inclusive (empty when last < first).
Value Range(Machine& m, Thunk* const* a, SourceRange call) {
  int64_t first = m.ForceInt(a[0], call, "the start of range");
  int64_t last = m.ForceInt(a[1], call, "the end of range");
  if (last < first) return m.heap().List({});
  // The span is taken unsigned: `last - first` of two Ints far apart does not fit in an Int.
  uint64_t span = static_cast<uint64_t>(last) - static_cast<uint64_t>(first);
  if (span >= static_cast<uint64_t>(kMaxRangeLength))
    m.Fail(call, "range: too many elements (at most " + std::to_string(kMaxRangeLength) + ")");
  size_t n = static_cast<size_t>(span) + 1;
  Heap& heap = m.heap();
  Thunk** items = heap.Array<Thunk*>(n);
  for (size_t i = 0; i < n; ++i) items[i] = heap.Done(Value::Int(first + static_cast<int64_t>(i)));
  return Value::List(heap.New<ListData>(ListData{items, n}));
}

const BuiltinDef kListBuiltins[] = {
    {"map", 2, Map},
    {"filter", 2, Filter},
    {"foldl", 3, Foldl},
    {"length", 1, Length},
    {"elem", 2, Elem},
    {"head", 1, Head},
    {"tail", 1, Tail},
    {"concatLists", 1, ConcatLists},
    {"concatMap", 2, ConcatMap},
    {"range", 2, Range},
    {"elemAt", 2, ElemAt},
};

}  // namespace

llvm::ArrayRef<BuiltinDef> ListBuiltins() { return kListBuiltins; }

}  // namespace strata::eval
