// The public checker: builtins, per-module inference, the import cache and cycle detection.
#include "compiler/types/checker.h"

#include <llvm/ADT/DenseMap.h>

#include "compiler/syntax/module_loader.h"
#include "compiler/types/builtin_types.h"
#include "compiler/types/infer.h"
#include "compiler/types/type_printer.h"

namespace strata::types {

class CheckerImpl {
 public:
  CheckerImpl(syntax::ModuleLoader& loader, diag::DiagnosticEngine& diags)
      : loader_(loader), diags_(diags) {
    for (const BuiltinSignature& b : BuiltinSignatures()) {
      auto* scheme = new (context_.allocator().Allocate<Scheme>()) Scheme();
      scheme->type = ParseSignature(context_, b.signature);
      scheme->poly = scheme->type->has_vars();
      builtins_.push_back({Symbol::Intern(b.name), scheme});
    }
  }

  const Scheme* Check(const syntax::Module* module, diag::SourceRange import_range) {
    if (!module) return nullptr;
    auto it = done_.find(module);
    if (it != done_.end()) return it->second;
    for (size_t i = 0; i < in_progress_.size(); ++i) {
      if (in_progress_[i].first != module) continue;
      std::string cycle = "import cycle: ";
      for (size_t j = i; j < in_progress_.size(); ++j)
        cycle += Name(in_progress_[j].first->path) + " -> ";
      cycle += Name(module->path);
      // Reported at the cycle's first import, which is in the outermost file of the cycle
      // (the entry file, when it is part of the cycle).
      diags_.Error(i + 1 < in_progress_.size() ? in_progress_[i + 1].second : import_range, cycle);
      return nullptr;
    }
    in_progress_.push_back({module, import_range});
    size_t errors_before = diags_.error_count();
    Inferencer inferencer = NewInferencer();
    const Scheme* scheme = inferencer.InferTopLevel(module->root);
    if (diags_.error_count() != errors_before)
      scheme = inferencer.NewScheme(context_.Error(), false);
    in_progress_.pop_back();
    done_[module] = scheme;
    by_type_[scheme->type] = scheme;
    return scheme;
  }

  const Type* CheckWithSelf(const ast::Expr* expr, const Type* self_type) {
    Inferencer inferencer = NewInferencer();
    Type* self = const_cast<Type*>(self_type);
    auto it = by_type_.find(self);
    const Scheme* scheme = it != by_type_.end() ? it->second : nullptr;
    if (!scheme) scheme = inferencer.NewScheme(self ? self : context_.Error(), false);
    inferencer.Define(Symbol::Intern("self"), scheme);
    return inferencer.InferMonomorphic(expr);
  }

  TypeContext& context() { return context_; }
  void set_recorder(CheckRecorder* recorder) { recorder_ = recorder; }
  // Drops the module's scheme from both maps. Interned types can make two modules' types the
  // same pointer: then the by-type entry moves to another module that has it.
  void Forget(const syntax::Module* module) {
    auto it = done_.find(module);
    if (it == done_.end()) return;
    const Scheme* scheme = it->second;
    done_.erase(it);
    if (!scheme) return;
    auto by_type = by_type_.find(scheme->type);
    if (by_type == by_type_.end() || by_type->second != scheme) return;
    by_type_.erase(by_type);
    for (const auto& [other, other_scheme] : done_)
      if (other_scheme && other_scheme->type == scheme->type) {
        by_type_[scheme->type] = other_scheme;
        break;
      }
  }
  Checker::CacheSizes cache_sizes() const { return {done_.size(), by_type_.size()}; }

 private:
  Inferencer NewInferencer() {
    Inferencer inferencer(context_, diags_, [this](const ast::Import* import) -> const Scheme* {
      const syntax::Module* module = loader_.LoadImport(import);
      if (recorder_) recorder_->OnImport(import, module);
      return Check(module, import->range());
    });
    inferencer.set_recorder(recorder_);
    for (const auto& [name, scheme] : builtins_) inferencer.Define(name, scheme);
    return inferencer;
  }

  // A workspace package's label (`//libs/base`), else ShortName.
  std::string Name(const std::string& path) const {
    std::optional<std::string> label = loader_.LabelOf(path);
    return label ? *label : ShortName(path);
  }

  // `a.strata`, or `dir/build.strata` for a directory import.
  static std::string ShortName(const std::string& path) {
    size_t slash = path.rfind('/');
    if (slash == std::string::npos || path[0] == '<') return path;
    std::string base = path.substr(slash + 1);
    if (base != "build.strata" || slash == 0) return base;
    size_t parent = path.rfind('/', slash - 1);
    return path.substr(parent == std::string::npos ? 0 : parent + 1);
  }

  syntax::ModuleLoader& loader_;
  diag::DiagnosticEngine& diags_;
  TypeContext context_;
  std::vector<std::pair<Symbol, const Scheme*>> builtins_;
  CheckRecorder* recorder_ = nullptr;
  llvm::DenseMap<const syntax::Module*, const Scheme*> done_;
  llvm::DenseMap<const Type*, const Scheme*> by_type_;
  // Modules being checked, each with the import that led to it.
  std::vector<std::pair<const syntax::Module*, diag::SourceRange>> in_progress_;
};

Checker::Checker(syntax::ModuleLoader& loader, diag::DiagnosticEngine& diags)
    : impl_(std::make_unique<CheckerImpl>(loader, diags)) {}

Checker::~Checker() = default;

const Type* Checker::CheckModule(const syntax::Module* module) {
  const Scheme* scheme = impl_->Check(module, diag::SourceRange());
  return scheme ? scheme->type : nullptr;
}

const Type* Checker::CheckWithSelf(const ast::Expr* expr, const Type* self_type) {
  return impl_->CheckWithSelf(expr, self_type);
}

void Checker::set_recorder(CheckRecorder* recorder) { impl_->set_recorder(recorder); }

void Checker::Forget(const syntax::Module* module) { impl_->Forget(module); }

Checker::CacheSizes Checker::cache_sizes() const { return impl_->cache_sizes(); }

bool Checker::IsFunctionOfRecordPattern(const syntax::Module* module) {
  auto* lambda = module ? llvm::dyn_cast<ast::Lambda>(module->root) : nullptr;
  return lambda && lambda->pattern;
}

std::vector<ArgumentInfo> Checker::Arguments(const syntax::Module* module) {
  std::vector<ArgumentInfo> result;
  if (!IsFunctionOfRecordPattern(module)) return result;
  const auto* lambda = llvm::cast<ast::Lambda>(module->root);
  const Scheme* scheme = impl_->Check(module, diag::SourceRange());
  FlatRecord params;
  if (scheme)
    if (auto* fn = llvm::dyn_cast<FunctionTypeNode>(Resolve(scheme->type)))
      params = Flatten(fn->param);
  for (const ast::PatternField& field : lambda->pattern->fields) {
    ArgumentInfo info{std::string(field.name.str()), ArgKind::kOther, "a",
                      field.default_value != nullptr};
    if (const FieldType* f = params.Find(field.name)) {
      Type* t = Resolve(f->type);
      info.type_text = ToString(t);
      if (auto* base = llvm::dyn_cast<BaseType>(t)) {
        if (base->base == BaseKind::kString) info.kind = ArgKind::kString;
        if (base->base == BaseKind::kInt) info.kind = ArgKind::kInt;
        if (base->base == BaseKind::kBool) info.kind = ArgKind::kBool;
      }
    }
    result.push_back(std::move(info));
  }
  return result;
}

}  // namespace strata::types

namespace strata::types {

std::vector<RecordFieldInfo> RecordFields(const Type* type) {
  std::vector<RecordFieldInfo> result;
  if (!type) return result;
  Type* resolved = Resolve(const_cast<Type*>(type));
  if (!llvm::isa<RecordTypeNode>(resolved)) return result;
  for (const FieldType& f : Flatten(resolved).fields)
    result.push_back({std::string(f.name.str()), f.type, f.optional});
  return result;
}

bool IsTypeVariable(const Type* type) {
  return type && llvm::isa<TypeVar>(Resolve(const_cast<Type*>(type)));
}

const Type* FunctionResult(const Type* type) {
  if (!type) return type;
  Type* resolved = Resolve(const_cast<Type*>(type));
  if (auto* function = llvm::dyn_cast<FunctionTypeNode>(resolved)) return Resolve(function->result);
  return resolved;
}

}  // namespace strata::types
