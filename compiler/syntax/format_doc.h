// The formatter's layout language: a document of text, line breaks, indentation and groups
// (Wadler's "prettier printer"), laid out to a line width by PrintDoc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace strata::syntax::format {

enum class DocKind {
  kText,          // verbatim text (may hold newlines: multi-line strings and block comments)
  kLine,          // a space when its group is flat, else a newline and the indentation
  kSoftLine,      // nothing when flat, else a newline
  kHardLine,      // always a newline; breaks every enclosing group
  kConcat,        // the children in order
  kIndent,        // the children, one indentation step deeper after each newline
  kGroup,         // the children flat when they fit in the rest of the line, else broken
  kFill,          // content, separator, content...: breaks only the separators that must
  kIfBreak,       // the text when the enclosing group is broken, else nothing
  kLineSuffix,    // text printed just before the next newline (an end-of-line comment)
  kBreakParent,   // breaks every enclosing group
  kBreakIfMore,   // after an end-of-line comment: breaks the enclosing groups that hold code
                  // after it (a comment at the end of a construct leaves the construct flat)
  kNewlineIfNot,  // a newline unless the output is at the start of a line (own-line comments)
  kBlankLine,     // an empty line, when the output is at the start of a line (paragraphs)
  kExpand,        // its child, which when a group is printed broken (a hugged last argument)
  kHug,           // its child, printed as usual; a choice's fit test reads only up to its first
                  // possible break (an argument that hugs the call's line: `f {`, `f (x: {`)
  kBlockOrHug,    // children (contents, block, hug): the block layout when the contents fit flat
                  // on a line of their own one step deeper (`(` / contents / `)`), else the hug
  kChoice,        // the first child when it fits flat, else the first of the others whose
                  // first line fits (broken), else the last one broken
};

// Index of a node in a DocArena.
using DocId = uint32_t;

struct DocNode {
  DocKind kind;
  std::string text;
  std::vector<DocId> children;
  bool broken = false;      // kGroup: holds a hard break after its first code (set by PrintDoc)
  bool comment = false;     // kText: a comment (not code: takes no width in Fits, breaks nothing)
  bool flat_only = false;   // kGroup: always flat (the code inside `${ }`)
  bool every_line = false;  // a kChoice layout taken only when every line of it fits, with no
                            // group inside it broken (one argument a line, each flat)
};

// Owns every node of one document.
class DocArena {
 public:
  DocId Text(std::string text) { return Add({DocKind::kText, std::move(text), {}}); }
  DocId Comment(std::string text) {
    DocId id = Text(std::move(text));
    nodes_[id].comment = true;
    return id;
  }
  DocId FlatGroup(std::vector<DocId> children) {
    DocId id = Group(std::move(children));
    nodes_[id].flat_only = true;
    return id;
  }
  DocId Choice(std::vector<DocId> alternatives) {
    return Add({DocKind::kChoice, "", std::move(alternatives)});
  }
  DocId BlockOrHug(DocId contents, DocId block, DocId hug) {
    return Add({DocKind::kBlockOrHug, "", {contents, block, hug}});
  }
  DocId Expand(DocId child) { return Add({DocKind::kExpand, "", {child}}); }
  DocId EveryLine(std::vector<DocId> children) {
    DocId id = Concat(std::move(children));
    nodes_[id].every_line = true;
    return id;
  }
  DocId Hug(DocId child) { return Add({DocKind::kHug, "", {child}}); }
  DocId Line() { return Add({DocKind::kLine, "", {}}); }
  DocId SoftLine() { return Add({DocKind::kSoftLine, "", {}}); }
  DocId HardLine() { return Add({DocKind::kHardLine, "", {}}); }
  DocId Concat(std::vector<DocId> children) {
    return Add({DocKind::kConcat, "", std::move(children)});
  }
  DocId Indent(std::vector<DocId> children) {
    return Add({DocKind::kIndent, "", std::move(children)});
  }
  DocId Group(std::vector<DocId> children, bool broken = false) {
    if (broken) children.push_back(BreakParent());
    return Add({DocKind::kGroup, "", std::move(children)});
  }
  DocId Fill(std::vector<DocId> children) { return Add({DocKind::kFill, "", std::move(children)}); }
  DocId IfBreak(std::string text) { return Add({DocKind::kIfBreak, std::move(text), {}}); }
  DocId LineSuffix(std::string text) { return Add({DocKind::kLineSuffix, std::move(text), {}}); }
  DocId BreakParent() { return Add({DocKind::kBreakParent, "", {}}); }
  DocId BreakIfMore() { return Add({DocKind::kBreakIfMore, "", {}}); }
  DocId NewlineIfNot() { return Add({DocKind::kNewlineIfNot, "", {}}); }
  DocId BlankLine() { return Add({DocKind::kBlankLine, "", {}}); }

  size_t size() const { return nodes_.size(); }
  DocNode& operator[](DocId id) { return nodes_[id]; }
  const DocNode& operator[](DocId id) const { return nodes_[id]; }

 private:
  DocId Add(DocNode node) {
    nodes_.push_back(std::move(node));
    return static_cast<DocId>(nodes_.size() - 1);
  }
  std::vector<DocNode> nodes_;
};

// The width of `id` printed flat, or kUnbounded when it cannot be (a hard break, an
// end-of-line comment, a multi-line text).
constexpr int kUnbounded = 1 << 20;
int FlatWidth(const DocArena& arena, DocId id);

// Lays `root` out in `width` columns with `indent_width` spaces per indentation step. The
// result has no trailing spaces and ends with exactly one newline.
std::string PrintDoc(DocArena& arena, DocId root, int width, int indent_width);

}  // namespace strata::syntax::format
