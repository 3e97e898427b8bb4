// textDocument/completion: the fields of a record after `.`, else the names in scope, the
// builtins with their signatures and the keywords.
//
// After `r.` the text usually does not parse. The receiver is read from the text (`a.b.c.`),
// its first name is looked up among the names in scope at the cursor (in the analysis, which
// blanked the broken line) and its recorded type is followed field by field.
#include <cctype>
#include <set>

#include "compiler/lsp/features.h"
#include "compiler/lsp/syntax_index.h"
#include "compiler/types/builtin_types.h"
#include "compiler/types/checker.h"

namespace strata::lsp {
namespace {

// LSP CompletionItemKind values.
constexpr int kFunctionKind = 3;
constexpr int kFieldKind = 5;
constexpr int kVariableKind = 6;
constexpr int kKeywordKind = 14;

constexpr const char* kKeywords[] = {"let",    "in",      "if", "then", "else", "assert",
                                     "import", "inherit", "or", "true", "false"};

bool IsNameChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

// The names of `a.b.c.` ending at `dot` (the offset of the last dot); empty if the text
// before it is not a chain of names.
std::vector<std::string> ReceiverChain(std::string_view text, uint32_t dot) {
  std::vector<std::string> chain;
  uint32_t end = dot;
  while (true) {
    uint32_t begin = end;
    while (begin > 0 && IsNameChar(text[begin - 1])) --begin;
    if (begin == end) return {};
    chain.insert(chain.begin(), std::string(text.substr(begin, end - begin)));
    if (begin == 0 || text[begin - 1] != '.') break;
    end = begin - 1;
  }
  if (!std::isalpha(static_cast<unsigned char>(chain.front()[0])) && chain.front()[0] != '_')
    return {};
  return chain;
}

const types::Type* FieldType(const types::Type* record, const std::string& name) {
  for (const types::RecordFieldInfo& f : types::RecordFields(record))
    if (f.name == name) return f.type;
  return nullptr;
}

Json Item(const std::string& label, int kind, const std::string& detail) {
  Json item{{"label", label}, {"kind", kind}};
  if (!detail.empty()) item["detail"] = detail;
  return item;
}

}  // namespace

Json Completion(Workspace& workspace, const Json& params) {
  Cursor cursor;
  if (!GetCursor(workspace, params, cursor)) return nullptr;
  // The editor's text: the analysed one has the broken line blanked.
  const std::string& text = cursor.document->text;
  uint32_t offset = std::min<uint32_t>(cursor.offset, static_cast<uint32_t>(text.size()));
  uint32_t word = offset;
  while (word > 0 && IsNameChar(text[word - 1])) --word;
  Json items = Json::array();
  const Facts& facts = workspace.facts();
  if (word > 0 && text[word - 1] == '.') {
    std::vector<std::string> chain = ReceiverChain(text, word - 1);
    if (chain.empty()) return items;
    const types::Type* type = nullptr;
    for (const ScopeName& name : NamesInScope(cursor.root, word))
      if (name.name.str() == chain[0])
        if (const BindingFact* binding = facts.BindingBySite(name.site)) type = binding->type;
    for (size_t i = 1; type && i < chain.size(); ++i) type = FieldType(type, chain[i]);
    for (const types::RecordFieldInfo& f : types::RecordFields(type))
      items.push_back(
          Item(f.name, kFieldKind, types::ToString(f.type) + (f.optional ? " (optional)" : "")));
    return Json{{"isIncomplete", false}, {"items", items}};
  }
  std::set<std::string> seen;
  std::vector<ScopeName> names = NamesInScope(cursor.root, offset);
  for (auto it = names.rbegin(); it != names.rend(); ++it) {  // innermost first: it shadows
    std::string name(it->name.str());
    if (!seen.insert(name).second) continue;
    const BindingFact* binding = facts.BindingBySite(it->site);
    std::string detail = binding ? types::ToString(binding->type) : "";
    bool function = detail.find("->") != std::string::npos;
    items.push_back(Item(name, function ? kFunctionKind : kVariableKind, detail));
  }
  for (const types::BuiltinSignature& b : types::BuiltinSignatures()) {
    std::string name(b.name);
    if (!seen.insert(name).second) continue;
    items.push_back(Item(name, kFunctionKind, std::string(b.signature)));
  }
  for (const char* keyword : kKeywords)
    if (seen.insert(keyword).second) items.push_back(Item(keyword, kKeywordKind, ""));
  return Json{{"isIncomplete", false}, {"items", items}};
}

}  // namespace strata::lsp
