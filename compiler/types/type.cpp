// Interning of compound types, union-find resolution and record flattening.
#include "compiler/types/type.h"

#include <algorithm>

namespace strata::types {

void ListTypeNode::Profile(llvm::FoldingSetNodeID& id) const { id.AddPointer(element); }

void FunctionTypeNode::Profile(llvm::FoldingSetNodeID& id) const {
  id.AddPointer(param);
  id.AddPointer(result);
}

static void ProfileRecord(llvm::FoldingSetNodeID& id, llvm::ArrayRef<FieldType> fields,
                          const Type* tail) {
  id.AddInteger(fields.size());
  for (const FieldType& f : fields) {
    id.AddPointer(f.name.opaque());
    id.AddPointer(f.type);
    id.AddBoolean(f.optional);
  }
  id.AddPointer(tail);
}

void RecordTypeNode::Profile(llvm::FoldingSetNodeID& id) const { ProfileRecord(id, fields, tail); }

Type* Resolve(Type* t) {
  auto* var = llvm::dyn_cast<TypeVar>(t);
  if (!var || !var->link) return t;
  Type* root = var->link;
  while (auto* v = llvm::dyn_cast<TypeVar>(root)) {
    if (!v->link) break;
    root = v->link;
  }
  // Path compression.
  while (auto* v = llvm::dyn_cast<TypeVar>(t)) {
    if (!v->link || v->link == root) break;
    Type* next = v->link;
    v->link = root;
    t = next;
  }
  return root;
}

void SortFields(llvm::SmallVectorImpl<FieldType>& fields) {
  std::sort(fields.begin(), fields.end(),
            [](const FieldType& a, const FieldType& b) { return a.name < b.name; });
}

const FieldType* FlatRecord::Find(Symbol name) const {
  for (const FieldType& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

bool FlatRecord::closed() const { return llvm::isa<EmptyRow>(tail); }

FlatRecord Flatten(Type* record) {
  FlatRecord flat;
  Type* t = Resolve(record);
  bool first = true;
  while (auto* r = llvm::dyn_cast<RecordTypeNode>(t)) {
    if (first) {
      flat.fields.append(r->fields.begin(), r->fields.end());
      first = false;
    } else {
      // Merge, keeping the outer field when a name repeats.
      llvm::SmallVector<FieldType, 8> merged;
      merged.reserve(flat.fields.size() + r->fields.size());
      size_t i = 0, j = 0;
      while (i < flat.fields.size() || j < r->fields.size()) {
        if (j == r->fields.size() ||
            (i < flat.fields.size() && flat.fields[i].name < r->fields[j].name)) {
          merged.push_back(flat.fields[i++]);
        } else if (i == flat.fields.size() || r->fields[j].name < flat.fields[i].name) {
          merged.push_back(r->fields[j++]);
        } else {
          merged.push_back(flat.fields[i++]);
          ++j;
        }
      }
      flat.fields = std::move(merged);
    }
    t = Resolve(r->tail);
  }
  flat.tail = t;
  return flat;
}

TypeContext::TypeContext() {
  int_ = new (allocator_.Allocate<BaseType>()) BaseType(BaseKind::kInt);
  bool_ = new (allocator_.Allocate<BaseType>()) BaseType(BaseKind::kBool);
  string_ = new (allocator_.Allocate<BaseType>()) BaseType(BaseKind::kString);
  stage_ = new (allocator_.Allocate<BaseType>()) BaseType(BaseKind::kStage);
  artifact_ = new (allocator_.Allocate<BaseType>()) BaseType(BaseKind::kArtifact);
}

TypeVar* TypeContext::FreshVar(int level, bool is_row) {
  return new (allocator_.Allocate<TypeVar>()) TypeVar(next_var_++, level, is_row);
}

Type* TypeContext::List(Type* element) {
  llvm::FoldingSetNodeID id;
  id.AddPointer(element);
  void* insert_pos = nullptr;
  if (ListTypeNode* found = lists_.FindNodeOrInsertPos(id, insert_pos)) return found;
  auto* node = new (allocator_.Allocate<ListTypeNode>()) ListTypeNode(element);
  lists_.InsertNode(node, insert_pos);
  return node;
}

Type* TypeContext::Function(Type* param, Type* result) {
  llvm::FoldingSetNodeID id;
  id.AddPointer(param);
  id.AddPointer(result);
  void* insert_pos = nullptr;
  if (FunctionTypeNode* found = functions_.FindNodeOrInsertPos(id, insert_pos)) return found;
  auto* node = new (allocator_.Allocate<FunctionTypeNode>()) FunctionTypeNode(param, result);
  functions_.InsertNode(node, insert_pos);
  return node;
}

Type* TypeContext::Record(llvm::ArrayRef<FieldType> fields, Type* tail) {
  llvm::SmallVector<FieldType, 8> sorted(fields.begin(), fields.end());
  SortFields(sorted);
  llvm::FoldingSetNodeID id;
  ProfileRecord(id, sorted, tail);
  void* insert_pos = nullptr;
  if (RecordTypeNode* found = records_.FindNodeOrInsertPos(id, insert_pos)) return found;
  bool has_vars = tail->has_vars();
  for (const FieldType& f : sorted) has_vars = has_vars || f.type->has_vars();
  FieldType* data = allocator_.Allocate<FieldType>(sorted.size());
  std::uninitialized_copy(sorted.begin(), sorted.end(), data);
  auto* node = new (allocator_.Allocate<RecordTypeNode>())
      RecordTypeNode(llvm::ArrayRef<FieldType>(data, sorted.size()), tail, has_vars);
  records_.InsertNode(node, insert_pos);
  return node;
}

}  // namespace strata::types
