// Evaluating a workspace's packages through one Frontend, and matching labels and patterns.
#include "compiler/driver/workspace_packages.h"

#include <algorithm>
#include <deque>
#include <set>

#include "compiler/graph/ops.h"

namespace strata::driver {

WorkspacePackages::WorkspacePackages(Frontend& frontend, std::string root)
    : frontend_(frontend), root_(std::move(root)), packages_(ListPackages(root_)) {}

bool WorkspacePackages::Exists(const std::string& package) const {
  return std::binary_search(packages_.begin(), packages_.end(), package);
}

std::string WorkspacePackages::NearPackages(const std::string& package) const {
  std::vector<std::string> near = NearNames(package, packages_);
  std::string text;
  for (const std::string& name : near) text += (text.empty() ? ", near: //" : ", //") + name;
  return text;
}

bool WorkspacePackages::LoadPackage(const std::string& package) {
  if (loaded_.count(package)) return true;
  if (failed_.count(package)) return false;
  if (!IsLabelPackage(package)) {
    frontend_.Error({}, "the package directory '" + package +
                            "' cannot be named by a label (//dir/sub: names of letters, digits, "
                            "_ - . +); rename it");
    failed_.insert(package);
    return false;
  }
  if (cache_ && lookup_) {
    if (std::optional<CachedPackage> cached = cache_->Lookup(package)) {
      loaded_.insert(package);
      imports_[package] = std::move(cached->imports);
      if (keep_stages_) AddStages(cached->stages);
      for (auto& [name, key] : cached->targets) {
        WorkspaceTarget target{package, name, nullptr, std::move(key)};
        targets_.emplace(target.Label(), std::move(target));
      }
      return true;
    }
  }
  std::vector<Frontend::NamedNode> named;
  std::string file = PackageFile(root_, package);
  if (!frontend_.EvaluatePackage(file, named)) {
    failed_.insert(package);
    return false;
  }
  // Each target must have a label of its own: a quoted attribute name ("x y", "a.b") may not
  // fit the label syntax, or may spell a nested path another target has.
  std::vector<std::pair<std::string, const graph::Node*>> stages;
  std::set<std::string> names;
  bool named_ok = true;
  for (const Frontend::NamedNode& named_node : named) {
    if (!graph::IsStage(named_node.node)) continue;
    if (!IsLabelTarget(named_node.name)) {
      frontend_.Error({}, "target \"" + named_node.name + "\" of //" + package +
                              " cannot be named by a label (names of letters, digits, _ and - "
                              "joined by .); rename the attribute");
      named_ok = false;
    } else if (!names.insert(named_node.name).second) {
      frontend_.Error({}, "two targets of //" + package + " are named " + named_node.name +
                              " (a quoted attribute name with a dot, and a nested record); "
                              "rename one");
      named_ok = false;
    }
    stages.emplace_back(named_node.name, named_node.node);
  }
  if (!named_ok) {
    failed_.insert(package);
    return false;
  }
  loaded_.insert(package);
  imports_[package] = frontend_.ImportedPackages(file);
  for (std::string& label : imports_[package]) label.erase(0, 2);  // "//dir" → "dir"
  for (const auto& [name, node] : stages) {
    WorkspaceTarget target{package, name, node, node->key().Hex()};
    targets_.emplace(target.Label(), target);
  }
  if (keep_stages_) {
    std::vector<const graph::Node*> roots;
    for (const auto& [name, node] : stages) roots.push_back(node);
    AddStages(StageGraphOf(roots));
  }
  if (cache_)
    cache_->Store(package, frontend_.ModuleFiles(file), stages, imports_[package],
                  frontend_.graph(),
                  [this](const graph::Node* node) { return frontend_.DockerfileFiles(node); });
  return true;
}

void WorkspacePackages::AddStages(const std::vector<StageNode>& stages) {
  std::vector<uint32_t> ids;
  ids.reserve(stages.size());
  for (const StageNode& stage : stages) {
    auto [it, fresh] = stage_ids_.emplace(stage.key, static_cast<uint32_t>(stage_keys_.size()));
    if (fresh) {
      stage_keys_.push_back(stage.key);
      stage_inputs_.emplace_back();
      stage_known_.push_back(false);
    }
    ids.push_back(it->second);
  }
  for (size_t n = 0; n < stages.size(); ++n) {
    if (stage_known_[ids[n]]) continue;
    stage_known_[ids[n]] = true;
    for (uint32_t input : stages[n].inputs) stage_inputs_[ids[n]].push_back(ids[input]);
  }
}

std::set<std::string> WorkspacePackages::Reach(
    const std::string& key, const std::vector<std::vector<uint32_t>>& edges) const {
  std::set<std::string> out{key};
  auto start = stage_ids_.find(key);
  if (start == stage_ids_.end()) return out;
  std::vector<bool> seen(stage_keys_.size());
  std::deque<uint32_t> pending{start->second};
  seen[start->second] = true;
  while (!pending.empty()) {
    uint32_t id = pending.front();
    pending.pop_front();
    out.insert(stage_keys_[id]);
    for (uint32_t next : edges[id])
      if (!seen[next]) {
        seen[next] = true;
        pending.push_back(next);
      }
  }
  return out;
}

std::set<std::string> WorkspacePackages::StagesBelow(const std::string& key) const {
  return Reach(key, stage_inputs_);
}

std::set<std::string> WorkspacePackages::StagesAbove(const std::string& key) const {
  std::vector<std::vector<uint32_t>> users(stage_keys_.size());
  for (uint32_t id = 0; id < stage_inputs_.size(); ++id)
    for (uint32_t input : stage_inputs_[id]) users[input].push_back(id);
  return Reach(key, users);
}

bool WorkspacePackages::Load(const LabelPattern& pattern) {
  if (!pattern.recursive) {
    if (!Exists(pattern.package)) {
      frontend_.Error({}, "no package //" + pattern.package + " in the workspace " + root_ +
                              " (no " + PackageFile(root_, pattern.package) + ")" +
                              NearPackages(pattern.package));
      return false;
    }
    return LoadPackage(pattern.package);
  }
  bool ok = true, any = false;
  for (const std::string& package : packages_)
    if (PackageUnder(package, pattern.package)) {
      any = true;
      ok = LoadPackage(package) && ok;
    }
  if (!any) {
    frontend_.Error({}, "no package under //" + pattern.package +
                            (pattern.package.empty() ? "" : "/") + "... in the workspace " + root_ +
                            NearPackages(pattern.package));
    return false;
  }
  return ok;
}

std::optional<std::vector<const WorkspaceTarget*>> WorkspacePackages::Match(
    const LabelPattern& pattern, std::string& error) const {
  std::vector<const WorkspaceTarget*> out;
  for (const auto& [label, target] : targets_) {
    if (pattern.recursive) {
      if (PackageUnder(target.package, pattern.package)) out.push_back(&target);
    } else if (target.package == pattern.package &&
               (target.name == pattern.target || target.name.rfind(pattern.target + ".", 0) == 0)) {
      out.push_back(&target);
    }
  }
  if (!out.empty() || pattern.recursive) return out;
  std::vector<std::string> names;
  for (const auto& [label, target] : targets_)
    if (target.package == pattern.package) names.push_back(target.name);
  std::string text = "no target " + LabelText(pattern.package, pattern.target);
  if (names.empty()) {
    text += ": //" + pattern.package + " holds no stage (a library)";
  } else {
    std::vector<std::string> near = NearNames(pattern.target, names);
    if (near.empty()) near.assign(names.begin(), names.begin() + std::min<size_t>(names.size(), 5));
    text += "; near: ";
    for (size_t i = 0; i < near.size(); ++i)
      text += (i ? ", " : "") + LabelText(pattern.package, near[i]);
  }
  error += text;
  return std::nullopt;
}

bool WorkspacePackages::IsLibrary(const std::string& package) const {
  if (!loaded_.count(package)) return false;
  auto it = targets_.lower_bound(LabelText(package, ""));
  return it == targets_.end() || it->second.package != package;
}

const std::vector<std::string>& WorkspacePackages::Imports(const std::string& package) const {
  static const std::vector<std::string> kNone;
  auto it = imports_.find(package);
  return it == imports_.end() ? kNone : it->second;
}

}  // namespace strata::driver
