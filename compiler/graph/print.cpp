// Text, JSON and DOT printers of the derivation graph.
#include "compiler/graph/print.h"

#include <llvm/ADT/DenseSet.h>

#include <algorithm>
#include <string_view>
#include <utility>
#include <vector>

namespace strata::graph {
namespace {

// The nodes a walk has visited, counting two nodes with one key as one (the DFS below visits a
// derivation once). Only a node that shares its key (a local source of one content in several
// folders) is compared by key; every other node by identity, so a probe reads no other node:
// the set that compared keys read the node in each probed bucket, a cache miss each. Identity
// is a slot by the node's ordinal, holding the node (nodes of another graph may have the same
// ordinal: those go to a pointer set). A hash set of 700,000 pointers (100,000 targets) was
// 8 MB probed at random; the slots are filled roughly in the order the graph made the nodes.
class VisitedNodes {
 public:
  bool Insert(const Node* node) {
    if (node->shares_key()) return keys_.insert({node->key().high, node->key().low}).second;
    if (node->ordinal() >= by_ordinal_.size())
      by_ordinal_.resize(std::max<size_t>(node->ordinal() + 1, by_ordinal_.size() * 2));
    const Node*& slot = by_ordinal_[node->ordinal()];
    if (slot == node) return false;
    if (slot == nullptr) {
      slot = node;
      return true;
    }
    return others_.insert(node).second;
  }

 private:
  std::vector<const Node*> by_ordinal_;
  llvm::DenseSet<const Node*> others_;
  llvm::DenseSet<std::pair<uint64_t, uint64_t>> keys_;
};

// Invalid UTF-8 in a param (a byte string from the source) prints as U+FFFD instead of
// making nlohmann::json throw; the key is computed from the raw bytes either way.
std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// A JSON string as Dump would print it; plain ASCII (the usual case) without building a json.
void AppendJsonString(std::string& buf, std::string_view text) {
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (byte < 0x20 || byte >= 0x80 || c == '"' || c == '\\') {
      buf += Dump(nlohmann::json(std::string(text)));
      return;
    }
  }
  buf += '"';
  buf += text;
  buf += '"';
}

// A key's 32 hex digits, written into the buffer (Key::Hex makes a string per call).
void AppendHex(std::string& buf, const Key& key) {
  static constexpr char kDigits[] = "0123456789abcdef";
  char text[32];
  for (int i = 0; i < 16; ++i) {
    text[i] = kDigits[(key.high >> (60 - 4 * i)) & 0xf];
    text[16 + i] = kDigits[(key.low >> (60 - 4 * i)) & 0xf];
  }
  buf.append(text, sizeof text);
}

// A nested value as dump(2) prints it at `indent` spaces (the indentation of the line it
// starts on): strings, integers, booleans, arrays and objects directly, anything else (a
// float) through nlohmann.
void AppendIndented(std::string& buf, const nlohmann::json& value, size_t indent) {
  using Type = nlohmann::json::value_t;
  switch (value.type()) {
    case Type::string:
      return AppendJsonString(buf, value.get_ref<const std::string&>());
    case Type::boolean:
      buf += value.get<bool>() ? "true" : "false";
      return;
    case Type::number_integer:
      buf += std::to_string(value.get<int64_t>());
      return;
    case Type::number_unsigned:
      buf += std::to_string(value.get<uint64_t>());
      return;
    case Type::array:
    case Type::object: {
      bool array = value.is_array();
      if (value.empty()) {
        buf += array ? "[]" : "{}";
        return;
      }
      buf += array ? '[' : '{';
      bool first = true;
      for (auto it = value.begin(); it != value.end(); ++it) {
        buf += first ? "\n" : ",\n";
        first = false;
        buf.append(indent + 2, ' ');
        if (!array) {
          AppendJsonString(buf, it.key());
          buf += ": ";
        }
        AppendIndented(buf, *it, indent + 2);
      }
      buf += '\n';
      buf.append(indent, ' ');
      buf += array ? ']' : '}';
      return;
    }
    default:
      buf += Dump(value);
  }
}

// Inner params of one node printed in text and DOT (keyed only).
std::string KeyedParamsText(const Node* node) {
  std::string out;
  for (const Param& param : node->params()) {
    if (!param.keyed) continue;
    if (!out.empty()) out += ' ';
    out += param.name;
    out += '=';
    out += Dump(param.value);
  }
  return out;
}

// The one param that best names a node in a DOT label.
std::string MainParam(const Node* node) {
  auto show = [&](const char* name) -> std::string {
    const nlohmann::json* value = node->Find(name);
    if (value == nullptr) return {};
    return value->is_string() ? value->get<std::string>() : Dump(*value);
  };
  switch (node->op()) {
    case Op::kPull:
      return show("ref");
    case Op::kLocal:
      return show("name");
    case Op::kFetch:
      return show("url");
    case Op::kExec:
      return node->Find("shell") ? show("shell") : show("argv");
    case Op::kCopy:
      return show("dest");
    case Op::kConfig:
      return show("field") + " " + show("value");
    case Op::kSelect:
      return show("path");
    case Op::kMinimal:
      return show("executables");
    case Op::kText:
      return show("name");
    case Op::kDebian:
      return show("suite") + " " + show("packages");
    case Op::kScratch:
    case Op::kLoad:
      return {};
  }
  return {};
}

std::string DotEscape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

}  // namespace

namespace {

// Calls visit(node) for each node of TopologicalOrder, in that order, without the vector:
// PrintJson of 700,000 nodes (100,000 targets) then holds no 5.6 MB list at its peak.
template <typename Visit>
void VisitTopological(llvm::ArrayRef<const Node*> roots, Visit&& visit) {
  // Iterative post-order DFS: pipelines of thousands of steps are deep chains.
  // By key: two local sources with one content in two folders are two nodes but one derivation.
  VisitedNodes seen;
  std::vector<std::pair<const Node*, size_t>> stack;  // node, next input to visit
  for (const Node* root : roots) {
    if (!seen.Insert(root)) continue;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < node->inputs().size()) {
        const Node* input = node->inputs()[next++];
        if (seen.Insert(input)) stack.push_back({input, 0});
        continue;
      }
      visit(node);
      stack.pop_back();
    }
  }
}

}  // namespace

std::vector<const Node*> TopologicalOrder(llvm::ArrayRef<const Node*> roots) {
  std::vector<const Node*> order;
  VisitTopological(roots, [&](const Node* node) { order.push_back(node); });
  return order;
}

void PrintText(std::ostream& out, llvm::ArrayRef<const Node*> roots) {
  for (const Node* node : TopologicalOrder(roots)) {
    std::string_view op = OpName(node->op());
    out << node->key().Hex() << "  " << op;
    std::string params = KeyedParamsText(node);
    bool has_tail = !params.empty() || !node->inputs().empty();
    if (has_tail) {
      // Pad the op to the longest name ("scratch", "minimal") so that params line up.
      out << std::string(op.size() < 7 ? 7 - op.size() : 0, ' ');
    }
    if (!params.empty()) out << "  " << params;
    if (!node->inputs().empty()) {
      out << (params.empty() ? "  <-" : " <-");
      for (const Node* input : node->inputs()) out << ' ' << input->key().Hex();
    }
    out << '\n';
  }
}

void PrintJson(std::ostream& out, llvm::ArrayRef<const Node*> roots) {
  // Written as it goes, in exactly the layout of nlohmann's dump(2): building the whole
  // document as a json tree first cost more time and memory than evaluating the program.
  std::string buf;
  buf.reserve(1 << 17);
  auto flush = [&] {
    out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
    buf.clear();
  };
  buf += "{\n  \"version\": ";
  buf += Dump(kEncodingVersion);
  buf += ",\n  \"roots\": ";
  if (roots.empty()) buf += "[]";
  for (size_t i = 0; i < roots.size(); ++i) {
    buf += i == 0 ? "[\n    \"" : ",\n    \"";
    AppendHex(buf, roots[i]->key());
    buf += i + 1 == roots.size() ? "\"\n  ]" : "\"";
  }
  buf += ",\n  \"nodes\": ";
  size_t n = 0;
  VisitTopological(roots, [&](const Node* node) {
    buf += n++ == 0 ? "[\n    {\n      \"key\": \"" : ",\n    {\n      \"key\": \"";
    AppendHex(buf, node->key());
    buf += "\",\n      \"op\": ";
    AppendJsonString(buf, OpName(node->op()));
    buf += ",\n      \"params\": ";
    llvm::ArrayRef<Param> params = node->params();
    if (params.empty()) buf += "{}";
    bool any_unkeyed = false;
    for (size_t i = 0; i < params.size(); ++i) {
      buf += i == 0 ? "{\n        " : ",\n        ";
      AppendJsonString(buf, params[i].name);
      buf += ": ";
      AppendIndented(buf, params[i].value, 8);
      any_unkeyed |= !params[i].keyed;
    }
    if (!params.empty()) buf += "\n      }";
    if (any_unkeyed) {
      buf += ",\n      \"unkeyed\": [";
      bool first = true;
      for (const Param& param : params) {
        if (param.keyed) continue;
        buf += first ? "\n        " : ",\n        ";
        AppendJsonString(buf, param.name);
        first = false;
      }
      buf += "\n      ]";
    }
    buf += ",\n      \"inputs\": ";
    llvm::ArrayRef<const Node*> inputs = node->inputs();
    if (inputs.empty()) buf += "[]";
    for (size_t i = 0; i < inputs.size(); ++i) {
      buf += i == 0 ? "[\n        \"" : ",\n        \"";
      AppendHex(buf, inputs[i]->key());
      buf += i + 1 == inputs.size() ? "\"\n      ]" : "\"";
    }
    buf += "\n    }";
    if (buf.size() > (1 << 16)) flush();
  });
  buf += n == 0 ? "[]" : "\n  ]";
  buf += "\n}\n";
  flush();
}

void PrintDot(std::ostream& out, llvm::ArrayRef<const Node*> roots) {
  constexpr size_t kMaxLabel = 48;
  llvm::DenseSet<const Node*> root_set(roots.begin(), roots.end());
  out << "digraph strata {\n  node [shape=box, fontname=\"monospace\"];\n";
  std::vector<const Node*> order = TopologicalOrder(roots);
  for (const Node* node : order) {
    std::string label(OpName(node->op()));
    label += ' ';
    label += node->key().Hex().substr(0, 8);
    std::string main = MainParam(node);
    if (main.size() > kMaxLabel) main = main.substr(0, kMaxLabel - 3) + "...";
    if (!main.empty()) label += "\n" + main;
    out << "  \"" << node->key().Hex() << "\" [label=\"" << DotEscape(label) << "\""
        << (root_set.count(node) ? ", style=bold" : "") << "];\n";
  }
  for (const Node* node : order) {
    for (const Node* input : node->inputs()) {
      out << "  \"" << input->key().Hex() << "\" -> \"" << node->key().Hex() << "\";\n";
    }
  }
  out << "}\n";
}

}  // namespace strata::graph
