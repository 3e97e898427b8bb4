// Lays a formatter document out to a line width: a group is printed flat when it fits in the
// rest of the line (up to the next possible break after it), else its lines break.
#include "compiler/syntax/format_doc.h"

#include <algorithm>
#include <string_view>

namespace strata::syntax::format {
namespace {

struct Cmd {
  int indent;
  bool flat;
  DocId doc;
  size_t start = 0;  // kFill: the first child still to print
};

// Marks as broken every group that holds a hard break after its first code text: a comment
// or blank line before a construct puts it on its own line without breaking the construct.
// Open groups with no code yet form a suffix of `open` (from `first_empty`). The depth is
// bounded by the parser's nesting limit; the caller runs on a large stack.
//
// Nodes are shared (a choice's layouts hold the same arguments), so each node is walked once:
// the groups inside it are marked then, and what it does to the groups around it depends only
// on its summary, which is kept and replayed when the node comes again. Without that, nested
// choices (`f (g (h ...))`) would be walked a number of times exponential in their depth.
class BreakPropagation {
 public:
  struct Summary {
    bool walked = false;
    bool code = false;               // holds code text
    bool break_before_code = false;  // a hard break before its first code text
    bool break_after_code = false;   // a hard break after it
    bool pending_end = false;        // a kBreakIfMore that no code follows inside it
  };

  BreakPropagation(DocArena& arena, std::vector<Summary>& memo) : arena_(arena), memo_(memo) {}

  Summary Visit(DocId id) {
    if (memo_[id].walked) {
      Replay(memo_[id]);
      return memo_[id];
    }
    Summary summary;
    const DocNode& node = arena_[id];
    switch (node.kind) {
      case DocKind::kText:
        summary.code = !node.comment && !node.text.empty();
        break;
      case DocKind::kHardLine:
      case DocKind::kBreakParent:
        summary.break_before_code = true;
        break;
      case DocKind::kBreakIfMore:
        summary.pending_end = true;
        break;
      case DocKind::kBlockOrHug:
        // The hug holds the contents; the block is another layout, like a choice's.
        summary = Visit(node.children[2]);
        Detached(node.children[1]);
        break;
      case DocKind::kChoice:
        if (!node.children.empty()) summary = Visit(node.children[0]);
        for (size_t i = 1; i < node.children.size(); ++i) Detached(node.children[i]);
        break;
      case DocKind::kGroup: {
        open_.push_back(id);
        summary = VisitChildren(id);
        open_.pop_back();
        first_empty_ = std::min(first_empty_, open_.size());
        pending_depth_ = std::min(pending_depth_, open_.size());
        break;
      }
      default:
        summary = VisitChildren(id);
    }
    if (node.kind == DocKind::kText || node.kind == DocKind::kHardLine ||
        node.kind == DocKind::kBreakParent || node.kind == DocKind::kBreakIfMore)
      Replay(summary);
    summary.walked = true;
    memo_[id] = summary;
    return summary;
  }

 private:
  Summary VisitChildren(DocId id) {
    Summary all;
    std::vector<DocId> kids = arena_[id].children;
    for (DocId kid : kids) {
      Summary one = Visit(kid);
      // A pending break of the earlier children is a break where the next code comes.
      bool realized = all.pending_end && one.code;
      all.break_after_code = all.break_after_code || one.break_after_code ||
                             (all.code && (one.break_before_code || realized));
      all.break_before_code =
          all.break_before_code || (!all.code && (one.break_before_code || realized));
      all.pending_end = one.pending_end || (all.pending_end && !one.code);
      all.code = all.code || one.code;
    }
    return all;
  }

  // What a node with this summary does to the groups open around it. A pending break from
  // before marks, at the node's first code, the groups that held code then and are still open.
  void Replay(const Summary& summary) {
    if (summary.break_before_code) MarkWithCode();
    if (summary.code) {
      if (pending_) {
        for (size_t i = 0; i < pending_depth_; ++i) arena_[open_[i]].broken = true;
        pending_ = false;
      }
      first_empty_ = open_.size();
    }
    if (summary.break_after_code) MarkWithCode();
    if (summary.pending_end) {
      pending_depth_ = pending_ ? std::max(pending_depth_, first_empty_) : first_empty_;
      pending_ = true;
    }
  }

  void MarkWithCode() {
    for (size_t i = 0; i < first_empty_; ++i) arena_[open_[i]].broken = true;
  }

  // Another alternative of a choice: its breaks stay inside it.
  void Detached(DocId id) {
    BreakPropagation inner(arena_, memo_);
    inner.Visit(id);
  }

  DocArena& arena_;
  std::vector<Summary>& memo_;
  std::vector<DocId> open_;
  size_t first_empty_ = 0;
  bool pending_ = false;      // a kBreakIfMore waits for code
  size_t pending_depth_ = 0;  // the open groups it breaks then: open_[0, pending_depth_)
};

class Printer {
 public:
  Printer(DocArena& arena, int width, int indent_width)
      : arena_(arena), width_(width), indent_width_(indent_width) {}

  std::string Run(DocId root) {
    stack_.push_back({0, false, root});
    while (!stack_.empty()) {
      Cmd cmd = stack_.back();
      stack_.pop_back();
      Step(cmd);
    }
    Newline(0);
    while (out_.size() >= 2 && out_[out_.size() - 1] == '\n' && out_[out_.size() - 2] == '\n')
      out_.pop_back();
    if (out_ == "\n") out_.clear();
    return std::move(out_);
  }

 private:
  void PushChildren(const Cmd& cmd, int indent, bool flat, size_t from = 0) {
    const auto& kids = arena_[cmd.doc].children;
    for (size_t i = kids.size(); i > from; --i) stack_.push_back({indent, flat, kids[i - 1]});
  }

  void Step(const Cmd& cmd) {
    const DocNode& node = arena_[cmd.doc];
    switch (node.kind) {
      case DocKind::kText:
        // An end-of-line comment waits for the line's end: no code may follow it on its line.
        if (!suffixes_.empty() && !node.comment && !node.text.empty()) Newline(cmd.indent);
        Write(node.text);
        break;
      case DocKind::kConcat:
        PushChildren(cmd, cmd.indent, cmd.flat);
        break;
      case DocKind::kIndent:
        PushChildren(cmd, cmd.indent + 1, cmd.flat);
        break;
      case DocKind::kGroup: {
        bool flat = cmd.flat || node.flat_only;
        if (!flat && !node.broken) flat = Fits({cmd.indent, true, cmd.doc}, width_ - column_);
        PushChildren(cmd, cmd.indent, flat);
        break;
      }
      case DocKind::kFill:
        StepFill(cmd);
        break;
      case DocKind::kChoice:
        StepChoice(cmd);
        break;
      case DocKind::kBlockOrHug:
        stack_.push_back({cmd.indent, cmd.flat, BlockOrHug(cmd)});
        break;
      case DocKind::kExpand: {
        DocId child = node.children[0];
        if (!cmd.flat && arena_[child].kind == DocKind::kGroup)
          PushChildren({cmd.indent, false, child}, cmd.indent, false);
        else
          stack_.push_back({cmd.indent, cmd.flat, child});
        break;
      }
      case DocKind::kHug:
        stack_.push_back({cmd.indent, cmd.flat, node.children[0]});
        break;
      case DocKind::kLine:
        if (cmd.flat && suffixes_.empty())
          Write(" ");
        else
          Newline(cmd.indent);
        break;
      case DocKind::kSoftLine:
        if (!cmd.flat) Newline(cmd.indent);
        break;
      case DocKind::kHardLine:
        Newline(cmd.indent);
        break;
      case DocKind::kIfBreak:
        if (!cmd.flat) Write(node.text);
        break;
      case DocKind::kLineSuffix:
        suffixes_.push_back(node.text);
        break;
      case DocKind::kBreakParent:
      case DocKind::kBreakIfMore:
        break;
      case DocKind::kNewlineIfNot:
        if (!at_line_start_) Newline(cmd.indent);
        break;
      case DocKind::kBlankLine:
        if (at_line_start_ && !out_.empty() && !(out_.size() >= 2 && out_[out_.size() - 2] == '\n'))
          out_ += '\n';
        break;
    }
  }

  void StepChoice(const Cmd& cmd) {
    const auto& kids = arena_[cmd.doc].children;
    if (cmd.flat || (!IsBroken(kids[0]) && Fits({cmd.indent, true, kids[0]}, width_ - column_))) {
      stack_.push_back({cmd.indent, cmd.flat, kids[0]});
      return;
    }
    for (size_t i = 1; i + 1 < kids.size(); ++i) {
      // A hugging layout only when the arguments before the last are not broken anyway: else
      // formatting its own output would pick another layout.
      bool every_line = arena_[kids[i]].every_line;
      if (FitsAll({{cmd.indent, false, kids[i]}}, width_ - column_, true, /*reject_broken=*/true,
                  every_line)) {
        stack_.push_back({cmd.indent, false, kids[i]});
        return;
      }
    }
    stack_.push_back({cmd.indent, false, kids.back()});
  }

  DocId BlockOrHug(const Cmd& cmd) const {
    const auto& kids = arena_[cmd.doc].children;
    if (cmd.flat) return kids[2];
    return FlatWidth(arena_, kids[0]) <= width_ - (cmd.indent + 1) * indent_width_ ? kids[1]
                                                                                   : kids[2];
  }

  bool IsBroken(DocId id) const { return arena_[id].kind == DocKind::kGroup && arena_[id].broken; }

  // Content and separator alternate; a separator breaks when the next content does not fit
  // after it on the current line.
  void StepFill(const Cmd& cmd) {
    const auto& kids = arena_[cmd.doc].children;
    size_t i = cmd.start;
    if (i >= kids.size()) return;
    int rest = width_ - column_;
    bool content_flat = cmd.flat || Fits({cmd.indent, true, kids[i]}, rest);
    if (i + 2 < kids.size()) {
      bool pair_flat = cmd.flat || FitsAll({{cmd.indent, true, kids[i]},
                                            {cmd.indent, true, kids[i + 1]},
                                            {cmd.indent, true, kids[i + 2]}},
                                           rest);
      stack_.push_back({cmd.indent, cmd.flat, cmd.doc, i + 2});
      stack_.push_back({cmd.indent, pair_flat, kids[i + 1]});
    }
    stack_.push_back({cmd.indent, content_flat, kids[i]});
  }

  bool Fits(Cmd first, int rest) { return FitsAll({first}, rest, true); }

  // Whether `cmds` (in order) and then the rest of the stack up to its first break fit in
  // `rest` columns. With `every_line`, every line of `cmds` must fit, not just the first.
  bool FitsAll(std::vector<Cmd> cmds, int rest, bool with_stack = false, bool reject_broken = false,
               bool every_line = false) {
    std::vector<Cmd> todo(cmds.rbegin(), cmds.rend());
    size_t stack_index = stack_.size();
    while (true) {
      if (todo.empty()) {
        if (!with_stack || stack_index == 0) return true;
        todo.push_back(stack_[--stack_index]);
        every_line = false;
      }
      Cmd cmd = todo.back();
      todo.pop_back();
      const DocNode& node = arena_[cmd.doc];
      switch (node.kind) {
        case DocKind::kText: {
          if (node.comment) break;
          size_t newline = node.text.find('\n');
          rest -= static_cast<int>(newline == std::string::npos ? node.text.size() : newline);
          if (rest < 0) return false;
          if (newline == std::string::npos) break;
          if (!every_line) return true;
          rest = width_ - static_cast<int>(node.text.size() - node.text.rfind('\n') - 1);
          if (rest < 0) return false;
          break;
        }
        case DocKind::kConcat:
        case DocKind::kIndent:
        case DocKind::kFill: {
          const auto& kids = node.children;
          for (size_t i = kids.size(); i > cmd.start; --i)
            todo.push_back({cmd.indent, cmd.flat, kids[i - 1]});
          break;
        }
        case DocKind::kExpand:
        case DocKind::kHug: {
          // What follows is the hugged argument: it may be broken, the line ends at its bracket.
          reject_broken = false;
          DocId child = node.children[0];
          if (!cmd.flat && arena_[child].kind == DocKind::kGroup) {
            const auto& kids = arena_[child].children;
            for (size_t i = kids.size(); i > 0; --i)
              todo.push_back({cmd.indent, false, kids[i - 1]});
          } else {
            todo.push_back({cmd.indent, cmd.flat, child});
          }
          break;
        }
        case DocKind::kChoice:
          todo.push_back(
              {cmd.indent, cmd.flat,
               cmd.flat || node.children.size() == 1 ? node.children[0] : node.children[1]});
          break;
        case DocKind::kBlockOrHug:
          todo.push_back({cmd.indent, cmd.flat, BlockOrHug(cmd)});
          break;
        case DocKind::kGroup: {
          if (reject_broken && node.broken && !cmd.flat) return false;
          bool flat = cmd.flat || !node.broken;
          for (size_t i = node.children.size(); i > 0; --i)
            todo.push_back({cmd.indent, flat, node.children[i - 1]});
          break;
        }
        case DocKind::kLine:
        case DocKind::kSoftLine:
          if (!cmd.flat) {
            if (!every_line) return true;
            rest = width_ - cmd.indent * indent_width_;
          } else if (node.kind == DocKind::kLine && --rest < 0) {
            return false;
          }
          break;
        case DocKind::kHardLine:
        case DocKind::kNewlineIfNot:
          // In a flat group only an own-line comment puts one: the code goes on after it.
          if (!cmd.flat && !every_line) return true;
          rest = width_ - cmd.indent * indent_width_;
          break;
        case DocKind::kIfBreak:
          if (!cmd.flat) rest -= static_cast<int>(node.text.size());
          if (rest < 0) return false;
          break;
        case DocKind::kLineSuffix:
        case DocKind::kBreakParent:
        case DocKind::kBreakIfMore:
        case DocKind::kBlankLine:
          break;
      }
    }
  }

  void Write(std::string_view text) {
    if (text.empty()) return;
    if (at_line_start_) {
      out_.append(static_cast<size_t>(pending_indent_ * indent_width_), ' ');
      at_line_start_ = false;
    }
    out_ += text;
    size_t newline = text.rfind('\n');
    if (newline == std::string_view::npos)
      column_ += static_cast<int>(text.size());
    else
      column_ = static_cast<int>(text.size() - newline - 1);
  }

  void Newline(int indent) {
    while (!suffixes_.empty() && !out_.empty() && (out_.back() == ' ' || out_.back() == '\t'))
      out_.pop_back();
    for (const std::string& suffix : suffixes_) Write(suffix);
    suffixes_.clear();
    while (!out_.empty() && (out_.back() == ' ' || out_.back() == '\t')) out_.pop_back();
    if (!out_.empty()) out_ += '\n';
    at_line_start_ = true;
    pending_indent_ = indent;
    column_ = indent * indent_width_;
  }

  DocArena& arena_;
  int width_;
  int indent_width_;
  std::vector<Cmd> stack_;
  std::vector<std::string> suffixes_;
  std::string out_;
  int column_ = 0;
  int pending_indent_ = 0;
  bool at_line_start_ = true;
};

}  // namespace

int FlatWidth(const DocArena& arena, DocId id) {
  const DocNode& node = arena[id];
  switch (node.kind) {
    case DocKind::kText:
      return node.text.find('\n') == std::string::npos ? static_cast<int>(node.text.size())
                                                       : kUnbounded;
    case DocKind::kLine:
      return 1;
    case DocKind::kHardLine:
    case DocKind::kLineSuffix:
    case DocKind::kBreakParent:
    case DocKind::kBreakIfMore:
    case DocKind::kNewlineIfNot:
      return kUnbounded;
    case DocKind::kChoice:
      return node.children.empty() ? 0 : FlatWidth(arena, node.children[0]);
    case DocKind::kBlockOrHug:
      return FlatWidth(arena, node.children[2]);
    case DocKind::kGroup:
      if (node.broken) return kUnbounded;
      [[fallthrough]];
    default: {
      int width = 0;
      for (DocId kid : node.children) width = std::min(kUnbounded, width + FlatWidth(arena, kid));
      return width;
    }
  }
}

std::string PrintDoc(DocArena& arena, DocId root, int width, int indent_width) {
  std::vector<BreakPropagation::Summary> memo(arena.size());
  BreakPropagation(arena, memo).Visit(root);
  return Printer(arena, width, indent_width).Run(root);
}

}  // namespace strata::syntax::format
