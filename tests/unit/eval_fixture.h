// Test helper for the evaluator's unit tests: parse a source text, evaluate it, print it.
#pragma once

#include <sstream>
#include <string>

#include "compiler/diag/diagnostics.h"
#include "compiler/eval/evaluator.h"
#include "compiler/graph/local_source.h"
#include "compiler/graph/node.h"
#include "compiler/support/large_stack.h"
#include "compiler/syntax/module_loader.h"
#include "stdlib/embedded.h"

namespace strata::eval::testing {

// One evaluation session over in-memory sources (no type checking: the evaluator must
// cope with any AST on its own).
class EvalFixture {
 public:
  EvalFixture()
      : loader_(sources_, arena_, diags_,
                [](std::string_view name) { return stdlib::Lookup(name); }),
        evaluator_(loader_, diags_, graph_, hasher_) {}

  // The printed value of `text`, or "error: MESSAGE" (the first diagnostic) on failure.
  std::string Run(const std::string& text) {
    std::string result;
    support::RunOnLargeStack([&] { result = RunHere(text); });
    return result;
  }

  // The WHNF value of `text` (for tests that inspect values or nodes); nullopt on error.
  std::optional<eval::Value> Eval(const std::string& text) {
    std::optional<eval::Value> result;
    support::RunOnLargeStack([&] {
      const syntax::Module* module =
          loader_.LoadBuffer("test" + std::to_string(++count_) + ".strata", text);
      if (module && !diags_.has_errors()) result = evaluator_.EvalModule(module);
    });
    return result;
  }

  std::string FirstError() const {
    return diags_.diagnostics().empty() ? "" : diags_.diagnostics().front().message;
  }
  std::string Formatted() const { return diags_.Format(sources_); }

  eval::Evaluator& evaluator() { return evaluator_; }
  graph::Graph& graph() { return graph_; }
  diag::DiagnosticEngine& diags() { return diags_; }
  syntax::ModuleLoader& loader() { return loader_; }

 private:
  std::string RunHere(const std::string& text) {
    const syntax::Module* module =
        loader_.LoadBuffer("test" + std::to_string(++count_) + ".strata", text);
    if (!module || diags_.has_errors()) return "parse error: " + FirstError();
    std::optional<eval::Value> value = evaluator_.EvalModule(module);
    std::ostringstream out;
    if (!value || !evaluator_.Print(out, *value)) return "error: " + FirstError();
    return out.str();
  }

  diag::SourceManager sources_;
  diag::DiagnosticEngine diags_;
  ast::Arena arena_;
  graph::Graph graph_;
  graph::LocalSourceHasher hasher_;
  syntax::ModuleLoader loader_;
  eval::Evaluator evaluator_;
  int count_ = 0;
};

// The graph node `text` evaluates to, or null when it is no node (or fails).
inline const graph::Node* NodeOf(EvalFixture& f, const std::string& text) {
  std::optional<eval::Value> v = f.Eval(text);
  if (!v || !v->is(eval::ValueKind::kNode)) return nullptr;
  return v->node();
}

}  // namespace strata::eval::testing
