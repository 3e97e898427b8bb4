// Text, JSON and DOT printers of the derivation graph.
#include "compiler/graph/print.h"

#include <llvm/ADT/DenseSet.h>

#include <utility>

namespace strata::graph {
namespace {

// Invalid UTF-8 in a param (a byte string from the source) prints as U+FFFD instead of
// making nlohmann::json throw; the key is computed from the raw bytes either way.
std::string Dump(const nlohmann::json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
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

std::vector<const Node*> TopologicalOrder(llvm::ArrayRef<const Node*> roots) {
  // Iterative post-order DFS: pipelines of thousands of steps are deep chains.
  std::vector<const Node*> order;
  llvm::DenseSet<const Node*> seen;
  std::vector<std::pair<const Node*, size_t>> stack;  // node, next input to visit
  for (const Node* root : roots) {
    if (!seen.insert(root).second) continue;
    stack.push_back({root, 0});
    while (!stack.empty()) {
      auto& [node, next] = stack.back();
      if (next < node->inputs().size()) {
        const Node* input = node->inputs()[next++];
        if (seen.insert(input).second) stack.push_back({input, 0});
        continue;
      }
      order.push_back(node);
      stack.pop_back();
    }
  }
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
  nlohmann::ordered_json doc;
  doc["version"] = kEncodingVersion;
  nlohmann::ordered_json root_keys = nlohmann::ordered_json::array();
  for (const Node* root : roots) root_keys.push_back(root->key().Hex());
  doc["roots"] = std::move(root_keys);
  nlohmann::ordered_json nodes = nlohmann::ordered_json::array();
  for (const Node* node : TopologicalOrder(roots)) {
    nlohmann::ordered_json entry;
    entry["key"] = node->key().Hex();
    entry["op"] = OpName(node->op());
    nlohmann::ordered_json params = nlohmann::ordered_json::object();
    nlohmann::ordered_json unkeyed = nlohmann::ordered_json::array();
    for (const Param& param : node->params()) {
      // Nested objects keep the sorted order of the source json.
      params[param.name] = nlohmann::ordered_json(param.value);
      if (!param.keyed) unkeyed.push_back(param.name);
    }
    entry["params"] = std::move(params);
    if (!unkeyed.empty()) entry["unkeyed"] = std::move(unkeyed);
    nlohmann::ordered_json inputs = nlohmann::ordered_json::array();
    for (const Node* input : node->inputs()) inputs.push_back(input->key().Hex());
    entry["inputs"] = std::move(inputs);
    nodes.push_back(std::move(entry));
  }
  doc["nodes"] = std::move(nodes);
  out << doc.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) << '\n';
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
