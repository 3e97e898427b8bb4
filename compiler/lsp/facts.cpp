// The checker's facts about each file, recorded during a check and looked up by position.
#include "compiler/lsp/facts.h"

#include "compiler/syntax/module_loader.h"

namespace strata::lsp {

bool Covers(diag::SourceRange range, uint32_t offset) {
  return range.begin <= offset && offset <= range.end;
}

void Facts::OnExpr(const ast::Expr* expr, const types::Type* type) {
  files_[expr->range().file].exprs.emplace_back(expr, type);
}

void Facts::OnBinding(diag::SourceRange site, const void* key, const types::Type* type) {
  bindings_[key] = {site, type};
  files_[site.file].bindings.push_back(key);
}

void Facts::OnUse(const ast::Var* var, const void* key) {
  files_[var->range().file].uses.emplace_back(var, key);
}

void Facts::OnField(const ast::AttrName& attr, const types::Type* type) {
  files_[attr.range.file].fields.emplace_back(attr.range, type);
}

void Facts::OnImport(const ast::Import* import, const syntax::Module* module) {
  imports_[import] = module;
  SetModule(module);
}

void Facts::SetModule(const syntax::Module* module) {
  if (module) modules_[module->file] = module;
}

const ast::Expr* Facts::RootOf(diag::FileId file) const {
  auto it = modules_.find(file);
  return it == modules_.end() ? nullptr : it->second->root;
}

std::vector<std::string> Facts::Importers(const std::string& path) const {
  std::vector<std::string> result;
  for (const auto& [import, module] : imports_) {
    if (!module || module->path != path) continue;
    auto it = modules_.find(import->range().file);
    if (it != modules_.end()) result.push_back(it->second->path);
  }
  return result;
}

void Facts::Forget(diag::FileId file) {
  modules_.erase(file);
  auto it = files_.find(file);
  if (it == files_.end()) return;
  for (const void* key : it->second.bindings) bindings_.erase(key);
  for (const auto& [expr, type] : it->second.exprs)
    if (auto* import = llvm::dyn_cast<ast::Import>(expr)) imports_.erase(import);
  files_.erase(it);
}

const FileFacts* Facts::For(diag::FileId file) const {
  auto it = files_.find(file);
  return it == files_.end() ? nullptr : &it->second;
}

const BindingFact* Facts::Binding(const void* key) const {
  auto it = bindings_.find(key);
  return it == bindings_.end() ? nullptr : &it->second;
}

const BindingFact* Facts::BindingAt(diag::FileId file, uint32_t offset) const {
  const FileFacts* facts = For(file);
  if (!facts) return nullptr;
  for (const void* key : facts->bindings) {
    const BindingFact* binding = Binding(key);
    if (binding && binding->site.file == file && Covers(binding->site, offset)) return binding;
  }
  return nullptr;
}

const BindingFact* Facts::BindingBySite(diag::SourceRange site) const {
  const FileFacts* facts = For(site.file);
  if (!facts) return nullptr;
  for (const void* key : facts->bindings) {
    const BindingFact* binding = Binding(key);
    if (binding && binding->site.begin == site.begin && binding->site.end == site.end)
      return binding;
  }
  return nullptr;
}

const BindingFact* Facts::UseAt(diag::FileId file, uint32_t offset, const ast::Var** var) const {
  const FileFacts* facts = For(file);
  if (!facts) return nullptr;
  for (const auto& [use, key] : facts->uses) {
    if (!Covers(use->range(), offset)) continue;
    if (var) *var = use;
    return Binding(key);
  }
  return nullptr;
}

std::pair<const ast::Expr*, const types::Type*> Facts::ExprAt(diag::FileId file,
                                                              uint32_t offset) const {
  std::pair<const ast::Expr*, const types::Type*> best{nullptr, nullptr};
  const FileFacts* facts = For(file);
  if (!facts) return best;
  for (const auto& entry : facts->exprs) {
    diag::SourceRange r = entry.first->range();
    if (!Covers(r, offset)) continue;
    if (!best.first || r.end - r.begin < best.first->range().end - best.first->range().begin)
      best = entry;
  }
  return best;
}

const types::Type* Facts::TypeOf(const ast::Expr* expr) const {
  const FileFacts* facts = For(expr->range().file);
  if (!facts) return nullptr;
  for (const auto& [e, type] : facts->exprs)
    if (e == expr) return type;
  return nullptr;
}

const std::pair<diag::SourceRange, const types::Type*>* Facts::FieldAt(diag::FileId file,
                                                                       uint32_t offset) const {
  const FileFacts* facts = For(file);
  if (!facts) return nullptr;
  for (const auto& entry : facts->fields)
    if (Covers(entry.first, offset)) return &entry;
  return nullptr;
}

const syntax::Module* Facts::ImportTarget(const ast::Import* import) const {
  auto it = imports_.find(import);
  return it == imports_.end() ? nullptr : it->second;
}

}  // namespace strata::lsp
