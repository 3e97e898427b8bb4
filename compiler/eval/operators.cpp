// Operators (`+ - * / ++ // == < && ...`), structural equality, and checked forcing.
#include <string>

#include "compiler/eval/machine.h"
#include "compiler/graph/ops.h"
#include "compiler/graph/select.h"

namespace strata::eval {

using diag::SourceRange;

Value Machine::ExpectValue(Value value, ValueKind kind, SourceRange at, std::string_view what) {
  if (!value.is(kind)) TypeError(at, what, KindName(kind), value);
  return value;
}

Value Machine::Expect(Thunk* thunk, ValueKind kind, SourceRange at, std::string_view what) {
  return ExpectValue(Force(thunk), kind, at, what);
}

int64_t Machine::ForceInt(Thunk* t, SourceRange at, std::string_view what) {
  return Expect(t, ValueKind::kInt, at, what).integer();
}
bool Machine::ForceBool(Thunk* t, SourceRange at, std::string_view what) {
  return Expect(t, ValueKind::kBool, at, what).boolean();
}
std::string_view Machine::ForceString(Thunk* t, SourceRange at, std::string_view what) {
  return Expect(t, ValueKind::kString, at, what).string();
}
llvm::ArrayRef<Thunk*> Machine::ForceList(Thunk* t, SourceRange at, std::string_view what) {
  return Expect(t, ValueKind::kList, at, what).list();
}
llvm::ArrayRef<RecordField> Machine::ForceRecord(Thunk* t, SourceRange at, std::string_view what) {
  return Expect(t, ValueKind::kRecord, at, what).record();
}
const graph::Node* Machine::ForceNode(Thunk* t, SourceRange at, std::string_view what) {
  return Expect(t, ValueKind::kNode, at, what).node();
}
std::vector<std::string> Machine::ForceStringList(Thunk* t, SourceRange at, std::string_view what) {
  std::vector<std::string> out;
  for (Thunk* item : ForceList(t, at, what)) out.emplace_back(ForceString(item, at, what));
  return out;
}

void Machine::DeepForce(Value value, SourceRange at) {
  DepthGuard guard(*this, at);
  if (value.is(ValueKind::kList)) {
    for (Thunk* item : value.list()) DeepForce(Force(item), at);
  } else if (value.is(ValueKind::kRecord)) {
    for (const RecordField& field : value.record()) DeepForce(Force(field.value), at);
  }
}

bool Machine::Equal(Value a, Value b, SourceRange at) {
  if (a.kind() != b.kind()) return false;
  DepthGuard guard(*this, at);
  switch (a.kind()) {
    case ValueKind::kInt:
      return a.integer() == b.integer();
    case ValueKind::kBool:
      return a.boolean() == b.boolean();
    case ValueKind::kString:
      return a.string() == b.string();
    case ValueKind::kNode:
      return a.node() == b.node();  // hash-consed: equal nodes are one pointer
    case ValueKind::kFunction:
      Fail(at, "cannot compare functions");
    case ValueKind::kList: {
      auto x = a.list(), y = b.list();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (x[i] != y[i] && !Equal(Force(x[i]), Force(y[i]), at)) return false;
      return true;
    }
    case ValueKind::kRecord: {
      auto x = a.record(), y = b.record();
      if (x.size() != y.size()) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (x[i].name != y[i].name) return false;
      for (size_t i = 0; i < x.size(); ++i)
        if (x[i].value != y[i].value && !Equal(Force(x[i].value), Force(y[i].value), at))
          return false;
      return true;
    }
  }
  return false;
}

namespace {

// Shallow record update, right side wins; both inputs are sorted, so this is a merge.
Value Update(Heap& heap, llvm::ArrayRef<RecordField> left, llvm::ArrayRef<RecordField> right) {
  if (right.empty()) return heap.Record(left);
  RecordField* out = heap.Array<RecordField>(left.size() + right.size());
  size_t i = 0, j = 0, n = 0;
  while (i < left.size() || j < right.size()) {
    if (j == right.size() || (i < left.size() && left[i].name < right[j].name)) {
      out[n++] = left[i++];
    } else if (i == left.size() || right[j].name < left[i].name) {
      out[n++] = right[j++];
    } else {
      out[n++] = right[j++];
      ++i;
    }
  }
  return Value::Record(heap.New<RecordData>(RecordData{out, n}));
}

}  // namespace

Value Machine::EvalBinary(const ast::Binary* b, Env* env) {
  SourceRange range = b->range();
  switch (b->op) {
    case ast::BinaryOp::kAnd:
      if (!ExpectValue(Eval(b->lhs, env), ValueKind::kBool, b->lhs->range(), "an operand of &&")
               .boolean())
        return Value::Bool(false);
      return ExpectValue(Eval(b->rhs, env), ValueKind::kBool, b->rhs->range(), "an operand of &&");
    case ast::BinaryOp::kOr:
      if (ExpectValue(Eval(b->lhs, env), ValueKind::kBool, b->lhs->range(), "an operand of ||")
              .boolean())
        return Value::Bool(true);
      return ExpectValue(Eval(b->rhs, env), ValueKind::kBool, b->rhs->range(), "an operand of ||");
    case ast::BinaryOp::kImpl:
      if (!ExpectValue(Eval(b->lhs, env), ValueKind::kBool, b->lhs->range(), "an operand of ->")
               .boolean())
        return Value::Bool(true);
      return ExpectValue(Eval(b->rhs, env), ValueKind::kBool, b->rhs->range(), "an operand of ->");
    default:
      break;
  }

  Value lhs = Eval(b->lhs, env);
  Value rhs = Eval(b->rhs, env);
  auto ints = [&](const char* op) {
    ExpectValue(lhs, ValueKind::kInt, b->lhs->range(), std::string("the left operand of ") + op);
    ExpectValue(rhs, ValueKind::kInt, b->rhs->range(), std::string("the right operand of ") + op);
  };
  int64_t result = 0;
  switch (b->op) {
    case ast::BinaryOp::kAdd:
      if (lhs.is(ValueKind::kString)) {
        ExpectValue(rhs, ValueKind::kString, b->rhs->range(), "the right operand of +");
        std::string text(lhs.string());
        text += rhs.string();
        return heap_.String(text);
      }
      ints("+");
      if (__builtin_add_overflow(lhs.integer(), rhs.integer(), &result))
        Fail(range, "integer overflow in " + std::to_string(lhs.integer()) + " + " +
                        std::to_string(rhs.integer()));
      return Value::Int(result);
    case ast::BinaryOp::kSub:
      ints("-");
      if (__builtin_sub_overflow(lhs.integer(), rhs.integer(), &result))
        Fail(range, "integer overflow in " + std::to_string(lhs.integer()) + " - " +
                        std::to_string(rhs.integer()));
      return Value::Int(result);
    case ast::BinaryOp::kMul:
      ints("*");
      if (__builtin_mul_overflow(lhs.integer(), rhs.integer(), &result))
        Fail(range, "integer overflow in " + std::to_string(lhs.integer()) + " * " +
                        std::to_string(rhs.integer()));
      return Value::Int(result);
    case ast::BinaryOp::kDiv:
      if (lhs.is(ValueKind::kNode)) {
        ExpectValue(rhs, ValueKind::kString, b->rhs->range(), "the path selected from a stage");
        std::string error;
        const graph::Node* selected =
            graph::SelectPath(graph_, hasher_, lhs.node(), std::string(rhs.string()), range, error);
        if (!selected) Fail(range, error);
        return Value::Node(selected);
      }
      ints("/");
      if (rhs.integer() == 0) Fail(range, "division by zero");
      if (lhs.integer() == INT64_MIN && rhs.integer() == -1)
        Fail(range, "integer overflow in " + std::to_string(lhs.integer()) + " / -1");
      return Value::Int(lhs.integer() / rhs.integer());  // C++ truncates toward zero
    case ast::BinaryOp::kConcat: {
      ExpectValue(lhs, ValueKind::kList, b->lhs->range(), "the left operand of ++");
      ExpectValue(rhs, ValueKind::kList, b->rhs->range(), "the right operand of ++");
      if (lhs.list().empty()) return rhs;
      if (rhs.list().empty()) return lhs;
      std::vector<Thunk*> items(lhs.list().begin(), lhs.list().end());
      items.insert(items.end(), rhs.list().begin(), rhs.list().end());
      return heap_.List(items);
    }
    case ast::BinaryOp::kUpdate:
      ExpectValue(lhs, ValueKind::kRecord, b->lhs->range(), "the left operand of //");
      ExpectValue(rhs, ValueKind::kRecord, b->rhs->range(), "the right operand of //");
      return Update(heap_, lhs.record(), rhs.record());
    case ast::BinaryOp::kEq:
      return Value::Bool(Equal(lhs, rhs, range));
    case ast::BinaryOp::kNe:
      return Value::Bool(!Equal(lhs, rhs, range));
    case ast::BinaryOp::kLt:
    case ast::BinaryOp::kLe:
    case ast::BinaryOp::kGt:
    case ast::BinaryOp::kGe: {
      int order;
      if (lhs.is(ValueKind::kString)) {
        ExpectValue(rhs, ValueKind::kString, b->rhs->range(), "the right operand of a comparison");
        int c = lhs.string().compare(rhs.string());
        order = c < 0 ? -1 : c > 0 ? 1 : 0;
      } else {
        ints("a comparison");
        order = lhs.integer() < rhs.integer() ? -1 : lhs.integer() > rhs.integer() ? 1 : 0;
      }
      switch (b->op) {
        case ast::BinaryOp::kLt:
          return Value::Bool(order < 0);
        case ast::BinaryOp::kLe:
          return Value::Bool(order <= 0);
        case ast::BinaryOp::kGt:
          return Value::Bool(order > 0);
        default:
          return Value::Bool(order >= 0);
      }
    }
    default:
      break;
  }
  Fail(range, "internal error: unknown operator");
}

Value Machine::EvalUnary(const ast::Unary* u, Env* env) {
  Value v = Eval(u->operand, env);
  if (u->op == ast::UnaryOp::kNot)
    return Value::Bool(
        !ExpectValue(v, ValueKind::kBool, u->operand->range(), "the operand of !").boolean());
  ExpectValue(v, ValueKind::kInt, u->operand->range(), "the operand of -");
  if (v.integer() == INT64_MIN) Fail(u->range(), "integer overflow in negation");
  return Value::Int(-v.integer());
}

}  // namespace strata::eval
