// A compact binary encoding of one file's AST: a symbol table, then the nodes in pre-order.
//
// Integers are LEB128 varints; a symbol is its index + 1 in the table (0: the empty Symbol);
// a range is 0 (invalid) or 1, begin, length; strings are a length and bytes. Node tags are
// the Kind / TypeKind values; an absent optional child is the tag 0xff.
#include "compiler/syntax/ast_codec.h"

#include <llvm/ADT/DenseMap.h>
#include <llvm/ADT/SmallVector.h>

#include <vector>

namespace strata::syntax {
namespace {

using namespace ast;
using diag::SourceRange;

constexpr uint8_t kAbsent = 0xff;

class Encoder {
 public:
  explicit Encoder(diag::FileId file) : file_(file) {}

  bool ok() const { return ok_; }
  std::string Finish() {
    std::string out;
    std::swap(out, body_);
    Uint(symbols_.size());
    for (std::string_view name : symbols_) Text(name);
    return body_ + out;  // the table first, then the nodes
  }

  void Uint(uint64_t v) {
    while (v >= 0x80) {
      body_.push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    body_.push_back(static_cast<char>(v));
  }
  void Byte(uint8_t v) { body_.push_back(static_cast<char>(v)); }
  void Text(std::string_view s) {
    Uint(s.size());
    body_.append(s);
  }
  void Sym(Symbol s) {
    if (s.empty()) return Uint(0);
    auto [it, inserted] = symbol_index_.try_emplace(s.opaque(), symbols_.size() + 1);
    if (inserted) symbols_.push_back(s.str());
    Uint(it->second);
  }
  void Range(SourceRange r) {
    if (!r.valid()) return Byte(0);
    if (r.file != file_ || r.end < r.begin) ok_ = false;
    Byte(1);
    Uint(r.begin);
    Uint(r.end - r.begin);
  }

  void Type(const TypeExpr* t) {
    if (!t) return Byte(kAbsent);
    Byte(static_cast<uint8_t>(t->kind()));
    Range(t->range());
    switch (t->kind()) {
      case TypeKind::kNamed:
        return Sym(llvm::cast<NamedType>(t)->name);
      case TypeKind::kVar:
        return Sym(llvm::cast<VarType>(t)->name);
      case TypeKind::kList:
        return Type(llvm::cast<ListType>(t)->element);
      case TypeKind::kFunction: {
        auto* f = llvm::cast<FunctionType>(t);
        Type(f->param);
        return Type(f->result);
      }
      case TypeKind::kRecord: {
        auto* r = llvm::cast<RecordType>(t);
        Byte(r->open);
        Uint(r->fields.size());
        for (const RecordTypeField& f : r->fields) {
          Sym(f.name);
          Range(f.name_range);
          Type(f.type);
        }
        return;
      }
      case TypeKind::kError:
        return;
    }
  }

  void Attrs(llvm::ArrayRef<AttrName> path) {
    Uint(path.size());
    for (const AttrName& a : path) {
      Sym(a.name);
      Range(a.range);
    }
  }

  void Node(const Expr* e) {
    if (!e) return Byte(kAbsent);
    Byte(static_cast<uint8_t>(e->kind()));
    Range(e->range());
    switch (e->kind()) {
      case Kind::kInt:
        return Uint(static_cast<uint64_t>(llvm::cast<IntLit>(e)->value));
      case Kind::kBool:
        return Byte(llvm::cast<BoolLit>(e)->value);
      case Kind::kString: {
        auto* s = llvm::cast<StringLit>(e);
        Uint(s->parts.size());
        for (const StringPart& p : s->parts) {
          Text(p.text);
          Node(p.expr);
        }
        return;
      }
      case Kind::kPath: {
        auto* p = llvm::cast<PathLit>(e);
        Text(p->path);
        return Text(p->written);
      }
      case Kind::kVar:
        return Sym(llvm::cast<Var>(e)->name);
      case Kind::kRecord: {
        auto* r = llvm::cast<Record>(e);
        Uint(r->fields.size());
        for (const Field& f : r->fields) {
          Sym(f.name);
          Range(f.name_range);
          Node(f.value);
        }
        return;
      }
      case Kind::kList: {
        auto* l = llvm::cast<List>(e);
        Uint(l->elements.size());
        for (const Expr* x : l->elements) Node(x);
        return;
      }
      case Kind::kLambda: {
        auto* l = llvm::cast<Lambda>(e);
        Sym(l->param);
        Range(l->param_range);
        if (const Pattern* p = l->pattern) {
          Byte(1);
          Range(p->range);
          Byte(p->ellipsis);
          Sym(p->as_name);
          Uint(p->fields.size());
          for (const PatternField& f : p->fields) {
            Sym(f.name);
            Range(f.name_range);
            Node(f.default_value);
            Type(f.annotation);
          }
        } else {
          Byte(0);
        }
        return Node(l->body);
      }
      case Kind::kApply: {
        auto* a = llvm::cast<Apply>(e);
        Byte(a->pipe);
        Node(a->fn);
        Uint(a->args.size());
        for (const Expr* x : a->args) Node(x);
        return;
      }
      case Kind::kLet: {
        auto* l = llvm::cast<Let>(e);
        Uint(l->bindings.size());
        for (const Binding& b : l->bindings) {
          Sym(b.name);
          Range(b.name_range);
          Byte(b.inherited);
          Node(b.value);
          Type(b.annotation);
        }
        return Node(l->body);
      }
      case Kind::kIf: {
        auto* i = llvm::cast<If>(e);
        Node(i->cond);
        Node(i->then_branch);
        return Node(i->else_branch);
      }
      case Kind::kAssert: {
        auto* a = llvm::cast<Assert>(e);
        Node(a->cond);
        return Node(a->body);
      }
      case Kind::kSelect: {
        auto* s = llvm::cast<Select>(e);
        Node(s->target);
        Attrs(s->path);
        return Node(s->fallback);
      }
      case Kind::kHasAttr: {
        auto* h = llvm::cast<HasAttr>(e);
        Node(h->target);
        return Attrs(h->path);
      }
      case Kind::kBinary: {
        auto* b = llvm::cast<Binary>(e);
        Byte(static_cast<uint8_t>(b->op));
        Range(b->op_range);
        Node(b->lhs);
        return Node(b->rhs);
      }
      case Kind::kUnary: {
        auto* u = llvm::cast<Unary>(e);
        Byte(static_cast<uint8_t>(u->op));
        return Node(u->operand);
      }
      case Kind::kImport: {
        auto* i = llvm::cast<Import>(e);
        Byte(i->stdlib);
        return Text(i->path);
      }
      case Kind::kAnnotated: {
        auto* a = llvm::cast<Annotated>(e);
        Node(a->expr);
        return Type(a->type);
      }
      case Kind::kError:
        return;
    }
  }

 private:
  diag::FileId file_;
  bool ok_ = true;
  std::string body_;
  std::vector<std::string_view> symbols_;
  llvm::DenseMap<const void*, uint32_t> symbol_index_;
};

// Thrown (and caught in DecodeAst) on any malformed input.
struct Malformed {};

class Decoder {
 public:
  Decoder(std::string_view in, diag::FileId file, size_t source_size, Arena& arena)
      : in_(in), file_(file), source_size_(source_size), arena_(arena) {}

  void ReadSymbols() {
    uint64_t n = Count();
    symbols_.reserve(n);
    for (uint64_t i = 0; i < n; ++i) symbols_.push_back(Symbol::Intern(Text(false)));
  }
  bool AtEnd() const { return at_ == in_.size(); }

  uint64_t Uint() {
    uint64_t v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      uint8_t b = Byte();
      v |= static_cast<uint64_t>(b & 0x7f) << shift;
      if (!(b & 0x80)) return v;
    }
    throw Malformed{};
  }
  uint8_t Byte() {
    if (at_ >= in_.size()) throw Malformed{};
    return static_cast<uint8_t>(in_[at_++]);
  }
  bool Flag() {
    uint8_t b = Byte();
    if (b > 1) throw Malformed{};
    return b;
  }
  // A count of items that each take at least one byte: bounded by what is left.
  uint64_t Count() {
    uint64_t n = Uint();
    if (n > in_.size() - at_) throw Malformed{};
    return n;
  }
  std::string_view Text(bool copy = true) {
    uint64_t n = Uint();
    if (n > in_.size() - at_) throw Malformed{};
    std::string_view s = in_.substr(at_, n);
    at_ += n;
    return copy ? arena_.Copy(s) : s;
  }
  Symbol Sym() {
    uint64_t i = Uint();
    if (i == 0) return Symbol();
    if (i > symbols_.size()) throw Malformed{};
    return symbols_[i - 1];
  }
  SourceRange Range() {
    if (!Flag()) return SourceRange{};
    uint64_t begin = Uint(), length = Uint();
    if (begin > source_size_ || length > source_size_ - begin) throw Malformed{};
    return SourceRange{file_, static_cast<uint32_t>(begin), static_cast<uint32_t>(begin + length)};
  }
  template <typename T>
  llvm::ArrayRef<T> Array(llvm::SmallVectorImpl<T>& items) {
    return arena_.Copy(llvm::ArrayRef<T>(items));
  }

  const TypeExpr* Type() {
    uint8_t tag = Byte();
    if (tag == kAbsent) return nullptr;
    SourceRange r = Range();
    switch (static_cast<TypeKind>(tag)) {
      case TypeKind::kNamed:
        return arena_.New<NamedType>(r, Sym());
      case TypeKind::kVar:
        return arena_.New<VarType>(r, Sym());
      case TypeKind::kList:
        return arena_.New<ListType>(r, Required(Type()));
      case TypeKind::kFunction: {
        const TypeExpr* param = Required(Type());
        return arena_.New<FunctionType>(r, param, Required(Type()));
      }
      case TypeKind::kRecord: {
        bool open = Flag();
        llvm::SmallVector<RecordTypeField, 8> fields(Count());
        for (RecordTypeField& f : fields) {
          f.name = Sym();
          f.name_range = Range();
          f.type = Required(Type());
        }
        return arena_.New<RecordType>(r, Array(fields), open);
      }
      case TypeKind::kError:
        return arena_.New<ErrorType>(r);
    }
    throw Malformed{};
  }

  llvm::ArrayRef<AttrName> Attrs() {
    llvm::SmallVector<AttrName, 4> path(Count());
    for (AttrName& a : path) {
      a.name = Sym();
      a.range = Range();
    }
    return Array(path);
  }

  template <typename T>
  static const T* Required(const T* node) {
    if (!node) throw Malformed{};
    return node;
  }
  const ast::Expr* Child() { return Required(Node()); }

  const ast::Expr* Node() {
    uint8_t tag = Byte();
    if (tag == kAbsent) return nullptr;
    SourceRange r = Range();
    switch (static_cast<Kind>(tag)) {
      case Kind::kInt:
        return arena_.New<IntLit>(r, static_cast<int64_t>(Uint()));
      case Kind::kBool:
        return arena_.New<BoolLit>(r, Flag());
      case Kind::kString: {
        llvm::SmallVector<StringPart, 4> parts(Count());
        for (StringPart& p : parts) {
          p.text = Text();
          p.expr = Node();
        }
        return arena_.New<StringLit>(r, Array(parts));
      }
      case Kind::kPath: {
        std::string_view path = Text();
        return arena_.New<PathLit>(r, path, Text());
      }
      case Kind::kVar:
        return arena_.New<Var>(r, Sym());
      case Kind::kRecord: {
        llvm::SmallVector<Field, 8> fields(Count());
        for (Field& f : fields) {
          f.name = Sym();
          f.name_range = Range();
          f.value = Child();
        }
        return arena_.New<Record>(r, Array(fields));
      }
      case Kind::kList: {
        llvm::SmallVector<const ast::Expr*, 8> elements(Count());
        for (const ast::Expr*& x : elements) x = Child();
        return arena_.New<List>(r, Array(elements));
      }
      case Kind::kLambda: {
        Symbol param = Sym();
        SourceRange param_range = Range();
        const Pattern* pattern = nullptr;
        if (Flag()) {
          auto* mutable_p = const_cast<Pattern*>(arena_.New<Pattern>());
          const Pattern* p = mutable_p;
          mutable_p->range = Range();
          mutable_p->ellipsis = Flag();
          mutable_p->as_name = Sym();
          llvm::SmallVector<PatternField, 8> fields(Count());
          for (PatternField& f : fields) {
            f.name = Sym();
            f.name_range = Range();
            f.default_value = Node();
            f.annotation = Type();
          }
          mutable_p->fields = Array(fields);
          pattern = p;
        }
        return arena_.New<Lambda>(r, param, param_range, pattern, Child());
      }
      case Kind::kApply: {
        bool pipe = Flag();
        const ast::Expr* fn = Child();
        llvm::SmallVector<const ast::Expr*, 4> args(Count());
        for (const ast::Expr*& x : args) x = Child();
        return arena_.New<Apply>(r, fn, Array(args), pipe);
      }
      case Kind::kLet: {
        llvm::SmallVector<Binding, 8> bindings(Count());
        for (Binding& b : bindings) {
          b.name = Sym();
          b.name_range = Range();
          b.inherited = Flag();
          b.value = Child();
          b.annotation = Type();
        }
        llvm::ArrayRef<Binding> stored = Array(bindings);
        return arena_.New<Let>(r, stored, Child());
      }
      case Kind::kIf: {
        const ast::Expr* cond = Child();
        const ast::Expr* then_branch = Child();
        return arena_.New<If>(r, cond, then_branch, Child());
      }
      case Kind::kAssert: {
        const ast::Expr* cond = Child();
        return arena_.New<Assert>(r, cond, Child());
      }
      case Kind::kSelect: {
        const ast::Expr* target = Child();
        llvm::ArrayRef<AttrName> path = Attrs();
        return arena_.New<Select>(r, target, path, Node());
      }
      case Kind::kHasAttr: {
        const ast::Expr* target = Child();
        return arena_.New<HasAttr>(r, target, Attrs());
      }
      case Kind::kBinary: {
        uint8_t op = Byte();
        if (op > static_cast<uint8_t>(BinaryOp::kImpl)) throw Malformed{};
        SourceRange op_range = Range();
        const ast::Expr* lhs = Child();
        return arena_.New<Binary>(r, static_cast<BinaryOp>(op), op_range, lhs, Child());
      }
      case Kind::kUnary: {
        uint8_t op = Byte();
        if (op > static_cast<uint8_t>(UnaryOp::kNeg)) throw Malformed{};
        return arena_.New<Unary>(r, static_cast<UnaryOp>(op), Child());
      }
      case Kind::kImport: {
        bool stdlib = Flag();
        return arena_.New<Import>(r, Text(), stdlib);
      }
      case Kind::kAnnotated: {
        const ast::Expr* expr = Child();
        return arena_.New<Annotated>(r, expr, Required(Type()));
      }
      case Kind::kError:
        return arena_.New<ErrorExpr>(r);
    }
    throw Malformed{};
  }

 private:
  std::string_view in_;
  size_t at_ = 0;
  diag::FileId file_;
  size_t source_size_;
  Arena& arena_;
  std::vector<Symbol> symbols_;
};

}  // namespace

std::optional<std::string> EncodeAst(const ast::Expr* root, diag::FileId file) {
  Encoder encoder(file);
  encoder.Node(root);
  if (!encoder.ok()) return std::nullopt;
  return encoder.Finish();
}

const ast::Expr* DecodeAst(std::string_view bytes, diag::FileId file, size_t source_size,
                           ast::Arena& arena) {
  try {
    Decoder decoder(bytes, file, source_size, arena);
    decoder.ReadSymbols();
    const ast::Expr* root = decoder.Child();
    return decoder.AtEnd() ? root : nullptr;
  } catch (const Malformed&) {
    return nullptr;
  }
}

}  // namespace strata::syntax
