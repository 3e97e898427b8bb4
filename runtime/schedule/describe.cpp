// Describe: the one-line name of a graph node in progress output and logs ("RUN make",
// "COPY src /app", "WORKDIR /work", "FROM busybox").
#include <cctype>
#include <optional>
#include <string>

#include "compiler/graph/op_params.h"
#include "runtime/schedule/executor.h"

namespace strata::schedule {
namespace {

std::string Cut(std::string text, size_t max) {
  if (text.size() > max) text = text.substr(0, max - 3) + "...";
  return text;
}

std::string JoinArgv(const nlohmann::json& argv) {
  return argv.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The name of an artifact node as a COPY source: "src", "/out/app", a URL.
std::string SourceName(const graph::Node& node) {
  std::string name;
  switch (node.op()) {
    case graph::Op::kLocal:
      if (auto params = graph::DecodeLocal(node))
        name = params->name;
      else
        llvm::consumeError(params.takeError());
      break;
    case graph::Op::kText:
      if (auto params = graph::DecodeText(node))
        name = params->name;
      else
        llvm::consumeError(params.takeError());
      break;
    case graph::Op::kSelect:
      if (auto params = graph::DecodeSelect(node))
        name = params->path;
      else
        llvm::consumeError(params.takeError());
      break;
    case graph::Op::kFetch:
      if (auto params = graph::DecodeFetch(node))
        name = params->url;
      else
        llvm::consumeError(params.takeError());
      break;
    default:
      break;
  }
  return name.empty() ? std::string(graph::OpName(node.op())) : name;
}

// The node's decoded params, or nullopt (the node then describes as its op name: the error
// is reported when it runs).
template <typename Params>
std::optional<Params> Decoded(llvm::Expected<Params> params) {
  if (params) return std::move(*params);
  llvm::consumeError(params.takeError());
  return std::nullopt;
}

}  // namespace

std::string Describe(const graph::Node& node) {
  auto text = [](const nlohmann::json& value) {
    return value.is_string() ? value.get<std::string>() : JoinArgv(value);
  };
  switch (node.op()) {
    case graph::Op::kScratch:
      return "scratch";
    case graph::Op::kPull:
      if (auto params = Decoded(graph::DecodePull(node))) return "FROM " + params->ref;
      break;
    case graph::Op::kLoad:
      return "LOAD " + (node.inputs().empty() ? "" : SourceName(*node.inputs()[0]));
    case graph::Op::kLocal:
      if (auto params = Decoded(graph::DecodeLocal(node))) return "local " + params->name;
      break;
    case graph::Op::kFetch:
      if (auto params = Decoded(graph::DecodeFetch(node))) return "fetch " + params->url;
      break;
    case graph::Op::kExec:
      if (auto params = Decoded(graph::DecodeExec(node)))
        return Cut("RUN " + (params->shell ? *params->shell : JoinArgv(params->argv)), 120);
      break;
    case graph::Op::kCopy:
      if (auto params = Decoded(graph::DecodeCopy(node))) {
        // A copy of scratch's empty root only makes the directory and its parents: it is what
        // a Dockerfile's WORKDIR lowers to (BuildKit's mkdir -p), so it is named after it.
        const graph::Node* from = node.inputs().size() > 1 ? node.inputs()[1] : nullptr;
        if (from && from->op() == graph::Op::kSelect && !from->inputs().empty() &&
            from->inputs()[0]->op() == graph::Op::kScratch)
          from = from->inputs()[0];
        if (from && from->op() == graph::Op::kScratch) return "WORKDIR " + params->dest;
        return (params->options.extract ? "ADD " : "COPY ") + (from ? SourceName(*from) : "") +
               " " + params->dest;
      }
      break;
    case graph::Op::kConfig:
      if (auto params = Decoded(graph::DecodeConfig(node))) {
        std::string field = params->field;
        for (char& c : field) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        return Cut(field + " " + text(params->value), 120);
      }
      break;
    case graph::Op::kSelect:
      if (auto params = Decoded(graph::DecodeSelect(node))) return "select " + params->path;
      break;
    case graph::Op::kMinimal:
      if (auto params = Decoded(graph::DecodeMinimal(node)))
        return "minimal " + JoinArgv(params->executables);
      break;
    case graph::Op::kText:
      if (auto params = Decoded(graph::DecodeText(node))) return "text " + params->name;
      break;
    case graph::Op::kDebian:
      if (auto params = Decoded(graph::DecodeDebian(node)))
        return "debian " + params->request.suite + " " + JoinArgv(params->request.packages);
      break;
  }
  return std::string(graph::OpName(node.op()));
}

}  // namespace strata::schedule
