// Operators: fixed-type ones unify directly; overloaded ones (`+ / < //`) become predicates
// solved as soon as their operand types are known (possibly much later, or at each use of a
// let-bound function whose scheme carries them).
#include "compiler/types/infer.h"
#include "compiler/types/type_printer.h"

namespace strata::types {
namespace {

const char* OpSpelling(ast::BinaryOp op) {
  switch (op) {
    case ast::BinaryOp::kAdd:
      return "+";
    case ast::BinaryOp::kSub:
      return "-";
    case ast::BinaryOp::kMul:
      return "*";
    case ast::BinaryOp::kDiv:
      return "/";
    case ast::BinaryOp::kConcat:
      return "++";
    case ast::BinaryOp::kUpdate:
      return "//";
    case ast::BinaryOp::kEq:
      return "==";
    case ast::BinaryOp::kNe:
      return "!=";
    case ast::BinaryOp::kLt:
      return "<";
    case ast::BinaryOp::kLe:
      return "<=";
    case ast::BinaryOp::kGt:
      return ">";
    case ast::BinaryOp::kGe:
      return ">=";
    case ast::BinaryOp::kAnd:
      return "&&";
    case ast::BinaryOp::kOr:
      return "||";
    case ast::BinaryOp::kImpl:
      return "->";
  }
  return "?";
}

bool IsBase(Type* t, BaseKind kind) {
  auto* base = llvm::dyn_cast<BaseType>(t);
  return base && base->base == kind;
}

}  // namespace

Type* Inferencer::InferBinary(const ast::Binary* e) {
  Type* lhs = Infer(e->lhs);
  Type* rhs = Infer(e->rhs);
  std::string op = std::string("'") + OpSpelling(e->op) + "'";
  // Operators whose two operands share one type: a mismatch is one diagnostic naming both.
  auto unify_operands = [&] {
    bool same = unifier_.Unify(lhs, rhs);
    if (!same) {
      TypePrinter printer;
      std::string left = printer.Print(lhs);
      diags_.Error(e->op_range, "the operands of " + op + " have different types: left is " + left +
                                    ", right is " + printer.Print(rhs));
    }
    RunWoken();
    return same;
  };
  switch (e->op) {
    case ast::BinaryOp::kSub:
    case ast::BinaryOp::kMul:
      Expect(context_.Int(), lhs, e->lhs->range(), "left operand of " + op);
      Expect(context_.Int(), rhs, e->rhs->range(), "right operand of " + op);
      return context_.Int();
    case ast::BinaryOp::kAnd:
    case ast::BinaryOp::kOr:
    case ast::BinaryOp::kImpl:
      Expect(context_.Bool(), lhs, e->lhs->range(), "left operand of " + op);
      Expect(context_.Bool(), rhs, e->rhs->range(), "right operand of " + op);
      return context_.Bool();
    case ast::BinaryOp::kConcat: {
      Type* list = context_.List(context_.FreshVar(level_));
      Expect(list, lhs, e->lhs->range(), "left operand of " + op);
      Expect(list, rhs, e->rhs->range(), "right operand of " + op);
      return list;
    }
    case ast::BinaryOp::kEq:
    case ast::BinaryOp::kNe:
      unify_operands();
      return context_.Bool();
    case ast::BinaryOp::kLt:
    case ast::BinaryOp::kLe:
    case ast::BinaryOp::kGt:
    case ast::BinaryOp::kGe:
    case ast::BinaryOp::kAdd: {
      // Both overloads take two operands of one type (Int or String), so unify them now.
      if (!unify_operands())
        return e->op == ast::BinaryOp::kAdd ? context_.Error() : context_.Bool();
      if (e->op != ast::BinaryOp::kAdd) {
        AddPredicate(PredicateKind::kCompare, lhs, rhs, context_.Bool(), e->op_range, Symbol());
        return context_.Bool();
      }
      AddPredicate(PredicateKind::kAdd, lhs, rhs, lhs, e->op_range, Symbol());
      return lhs;
    }
    case ast::BinaryOp::kDiv:
    case ast::BinaryOp::kUpdate: {
      Type* result = context_.FreshVar(level_);
      PredicateKind kind =
          e->op == ast::BinaryOp::kDiv ? PredicateKind::kDiv : PredicateKind::kUpdate;
      AddPredicate(kind, lhs, rhs, result, e->op_range, Symbol());
      return result;
    }
  }
  return context_.Error();
}

Type* Inferencer::InferUnary(const ast::Unary* e) {
  Type* operand = Infer(e->operand);
  if (e->op == ast::UnaryOp::kNot) {
    Expect(context_.Bool(), operand, e->operand->range(), "operand of '!'");
    return context_.Bool();
  }
  Expect(context_.Int(), operand, e->operand->range(), "operand of '-'");
  return context_.Int();
}

void Inferencer::AddPredicate(PredicateKind kind, Type* lhs, Type* rhs, Type* result,
                              diag::SourceRange range, Symbol via, bool dormant) {
  auto* p = new (context_.allocator().Allocate<Predicate>())
      Predicate{kind, lhs, rhs, result, range, via};
  p->dormant = dormant;
  Solve(p);
  if (!p->solved) pending_.push_back(p);
}

void Inferencer::Activate(Type* type) {
  llvm::SmallVector<TypeVar*, 8> vars;
  CollectExposedVars(type, vars);
  for (TypeVar* var : vars)
    for (Predicate* p : var->waiting) p->dormant = false;
}

void Inferencer::Wait(Predicate* p, Type* type) {
  auto* var = llvm::dyn_cast<TypeVar>(Resolve(type));
  if (!var) return;
  for (Predicate* q : var->waiting)
    if (q == p) return;
  var->waiting.push_back(p);
}

void Inferencer::RunWoken() {
  if (running_woken_) return;
  running_woken_ = true;
  std::vector<Predicate*>& woken = context_.woken();
  while (!woken.empty()) {
    Predicate* p = woken.back();
    woken.pop_back();
    // A binding reached one of its variables: the field it belongs to is in use.
    p->dormant = false;
    Solve(p);
  }
  running_woken_ = false;
}

void Inferencer::ReportOperator(Predicate* p, const std::string& message) {
  std::string text = message;
  if (!p->via.empty()) text = "in this use of '" + std::string(p->via.str()) + "': " + text;
  p->solved = true;
  // Two copies of one operator from the same use (a function using `/` twice) say it once.
  const auto& all = diags_.diagnostics();
  if (!all.empty() && all.back().range.file == p->range.file &&
      all.back().range.begin == p->range.begin && all.back().message == text)
    return;
  diag::Diagnostic& d = diags_.Error(p->range, text);
  if (defaulting_) {
    // The user never wrote Int: say where it came from.
    const char* what = defaulting_->kind == PredicateKind::kAdd ? "'+' was taken as Int addition"
                       : defaulting_->kind == PredicateKind::kDiv
                           ? "'/' was taken as Int division"
                           : "the comparison was taken on Ints";
    d.notes.push_back(
        {defaulting_->range,
         std::string(what) + " because nothing tells the type of its operands (annotate one)"});
  }
}

void Inferencer::Solve(Predicate* p) {
  if (p->solved) return;
  Type* l = Resolve(p->lhs);
  Type* r = Resolve(p->rhs);
  Type* res = Resolve(p->result);
  if (llvm::isa<ErrorTypeNode>(l) || llvm::isa<ErrorTypeNode>(r)) {
    p->solved = true;
    UnifyQuiet(p->result, context_.Error());
    return;
  }
  if (p->kind == PredicateKind::kUpdate) return SolveUpdate(p);
  auto unify_all = [&](Type* t) {
    p->solved = true;
    bool ok = unifier_.Unify(t, p->lhs) && unifier_.Unify(t, p->rhs);
    if (ok && p->kind != PredicateKind::kCompare) ok = unifier_.Unify(t, p->result);
    if (!ok) {
      TypePrinter printer;
      std::string left = printer.Print(p->lhs);
      ReportOperator(p, "the operands of '" +
                            std::string(p->kind == PredicateKind::kAdd   ? "+"
                                        : p->kind == PredicateKind::kDiv ? "/"
                                                                         : "comparison") +
                            "' have types " + left + " and " + printer.Print(p->rhs) +
                            "; they must both be " + printer.Print(t));
    }
    RunWoken();
  };
  TypePrinter printer;
  switch (p->kind) {
    case PredicateKind::kAdd:
    case PredicateKind::kCompare: {
      const char* op = p->kind == PredicateKind::kAdd ? "'+'" : "a comparison";
      Type* known = nullptr;
      for (Type* t : {l, r, p->kind == PredicateKind::kAdd ? res : l})
        if (!known && !llvm::isa<TypeVar>(t)) known = t;
      if (!known) {
        Wait(p, l);
        Wait(p, r);
        if (p->kind == PredicateKind::kAdd) Wait(p, res);
        return;
      }
      if (IsBase(known, BaseKind::kInt) || IsBase(known, BaseKind::kString))
        return unify_all(known);
      return ReportOperator(
          p, std::string(op) + " works on Int or String, not on " + printer.Print(known));
    }
    case PredicateKind::kDiv: {
      if (IsBase(l, BaseKind::kInt) || IsBase(r, BaseKind::kInt) || IsBase(res, BaseKind::kInt))
        return unify_all(context_.Int());
      if (IsBase(l, BaseKind::kStage) || IsBase(l, BaseKind::kArtifact) ||
          IsBase(res, BaseKind::kArtifact) || IsBase(r, BaseKind::kString)) {
        // Artifact selection: (Stage | Artifact) / String -> Artifact.
        if (!UnifyQuiet(context_.String(), p->rhs))
          return ReportOperator(
              p, "the path after '/' has type " + printer.Print(p->rhs) + ", expected String");
        if (!UnifyQuiet(context_.Artifact(), p->result))
          return ReportOperator(p, "'/' selects an Artifact here, but the result is used as " +
                                       printer.Print(p->result));
        if (llvm::isa<TypeVar>(l)) return Wait(p, l);
        p->solved = true;
        if (!IsBase(l, BaseKind::kStage) && !IsBase(l, BaseKind::kArtifact))
          ReportOperator(p, "'/' selects a path out of a Stage or an Artifact, not out of " +
                                printer.Print(l));
        return;
      }
      for (Type* t : {l, r, res}) {
        if (!llvm::isa<TypeVar>(t))
          return ReportOperator(
              p,
              "'/' divides Ints or selects a path out of a Stage or Artifact; it cannot "
              "be applied to " +
                  printer.Print(t));
      }
      Wait(p, l);
      Wait(p, r);
      Wait(p, res);
      return;
    }
    case PredicateKind::kUpdate:
      return;
  }
}

void Inferencer::SolveUpdate(Predicate* p) {
  Type* l = Resolve(p->lhs);
  Type* r = Resolve(p->rhs);
  TypePrinter printer;
  for (Type* side : {l, r}) {
    if (!llvm::isa<TypeVar>(side) && !llvm::isa<RecordTypeNode>(side))
      return ReportOperator(p, std::string(side == l ? "left" : "right") +
                                   " operand of '//' has type " + printer.Print(side) +
                                   ", expected a record");
  }
  // The right side's fields must be fully known: it decides which fields are replaced.
  if (llvm::isa<TypeVar>(r)) return Wait(p, r);
  FlatRecord right = Flatten(r);
  if (llvm::isa<ErrorTypeNode>(right.tail)) {
    p->solved = true;
    UnifyQuiet(p->result, context_.Error());
    return;
  }
  if (auto* tail = llvm::dyn_cast<TypeVar>(right.tail)) return Wait(p, tail);
  p->solved = true;
  if (llvm::isa<TypeVar>(l)) UnifyQuiet(l, context_.Record({}, context_.FreshVar(level_, true)));
  FlatRecord left = Flatten(l);
  llvm::SmallVector<FieldType, 8> fields(right.fields.begin(), right.fields.end());
  for (const FieldType& f : left.fields)
    if (!right.Find(f.name)) fields.push_back(f);
  // An open left side keeps its tail: fields it gains later are shadowed by the right side's.
  Type* updated = context_.Record(fields, left.tail);
  if (!UnifyQuiet(p->result, updated))
    ReportOperator(p, "the result of '//' has type " + printer.Print(updated) +
                          ", but is used as " + printer.Print(p->result));
}

void Inferencer::Default(Predicate* p) {
  // A dormant predicate belongs to a record field nobody used: there is nothing to check.
  if (p->solved || p->dormant) return;
  if (p->kind == PredicateKind::kUpdate) {
    ReportOperator(
        p, "cannot tell which fields the right side of '//' has; annotate it with a record type");
    UnifyQuiet(p->result, context_.Error());
    return;
  }
  // Ambiguous arithmetic defaults to Int (as Haskell's defaulting does), unless the predicate
  // already excludes Int: a `/` whose path is a String selects out of a Stage or an Artifact,
  // either is fine, so it is settled as is.
  if (p->kind == PredicateKind::kDiv && IsBase(Resolve(p->rhs), BaseKind::kString) &&
      IsBase(Resolve(p->result), BaseKind::kArtifact)) {
    p->solved = true;
    return;
  }
  defaulting_ = p;
  UnifyQuiet(p->lhs, context_.Int());
  Solve(p);
  defaulting_ = nullptr;
}

}  // namespace strata::types
