// A readable dump of the AST (`strata parse`): an indented S-expression, one node per line.
#include "compiler/syntax/ast_print.h"

#include <cctype>
#include <cstdio>
#include <filesystem>
#include <ostream>

#include "compiler/syntax/string_literals.h"

namespace strata::syntax {
namespace {

using namespace strata::ast;

// An attribute name prints bare when it is an identifier, quoted otherwise.
std::string AttrText(Symbol name) {
  std::string_view text = name.str();
  bool plain =
      !text.empty() && (std::isalpha(static_cast<unsigned char>(text[0])) || text[0] == '_');
  for (char c : text) plain = plain && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
  return plain ? std::string(text) : JsonQuote(text);
}

std::string PathText(llvm::ArrayRef<AttrName> path) {
  std::string out;
  for (const AttrName& name : path) out += (out.empty() ? "" : ".") + AttrText(name.name);
  return out;
}

// A resolved path as printed: relative to the working directory (so dumps do not depend on
// where the checkout is), unless it was written absolute.
std::string DisplayPath(std::string_view path, bool written_absolute) {
  namespace fs = std::filesystem;
  std::error_code error;
  fs::path cwd = fs::current_path(error);
  // A label (`//libs/base`) prints as written.
  if (written_absolute || error || path.empty() || path[0] != '/' || path.substr(0, 2) == "//")
    return std::string(path);
  std::string relative = fs::path(path).lexically_relative(cwd).string();
  if (relative.empty()) return std::string(path);
  if (relative == ".") return "./.";
  return relative.rfind("..", 0) == 0 ? relative : "./" + relative;
}

class Printer {
 public:
  explicit Printer(std::ostream& out) : out_(out) {}

  void Print(const Expr* e, int indent) {
    out_ << std::string(indent * 2, ' ');
    if (!e) {
      out_ << "(null)";
      return;
    }
    switch (e->kind()) {
      case Kind::kInt:
        out_ << "(int " << llvm::cast<IntLit>(e)->value << ")";
        return;
      case Kind::kBool:
        out_ << "(bool " << (llvm::cast<BoolLit>(e)->value ? "true" : "false") << ")";
        return;
      case Kind::kPath: {
        const auto* path = llvm::cast<PathLit>(e);
        bool absolute = !path->written.empty() && path->written[0] == '/';
        out_ << "(path " << JsonQuote(DisplayPath(path->path, absolute)) << ")";
        return;
      }
      case Kind::kVar:
        out_ << "(var " << llvm::cast<Var>(e)->name.str() << ")";
        return;
      case Kind::kError:
        out_ << "(error)";
        return;
      case Kind::kImport: {
        const auto* import = llvm::cast<Import>(e);
        out_ << "(import "
             << (import->stdlib ? "<" + std::string(import->path) + ">"
                                : JsonQuote(DisplayPath(import->path, false)))
             << ")";
        return;
      }
      case Kind::kString: {
        const auto* s = llvm::cast<StringLit>(e);
        if (s->is_constant()) {
          out_ << "(string " << JsonQuote(s->parts.empty() ? "" : s->parts[0].text) << ")";
          return;
        }
        out_ << "(string";
        for (const StringPart& part : s->parts) {
          if (part.expr) {
            Child(part.expr, indent);
          } else {
            out_ << "\n" << std::string((indent + 1) * 2, ' ') << JsonQuote(part.text);
          }
        }
        out_ << ")";
        return;
      }
      case Kind::kRecord: {
        out_ << "(record";
        for (const Field& field : llvm::cast<Record>(e)->fields) {
          Open(indent + 1, "(field " + AttrText(field.name));
          Child(field.value, indent + 1);
          out_ << ")";
        }
        out_ << ")";
        return;
      }
      case Kind::kList: {
        out_ << "(list";
        for (const Expr* element : llvm::cast<List>(e)->elements) Child(element, indent);
        out_ << ")";
        return;
      }
      case Kind::kLambda: {
        const auto* lambda = llvm::cast<Lambda>(e);
        if (!lambda->pattern) {
          out_ << "(lambda " << lambda->param.str();
        } else {
          const Pattern& pattern = *lambda->pattern;
          out_ << "(lambda";
          std::string head = "(pattern";
          if (!pattern.as_name.empty()) head += " @" + std::string(pattern.as_name.str());
          if (pattern.ellipsis) head += " ...";
          Open(indent + 1, head);
          for (const PatternField& field : pattern.fields) {
            std::string text = "(field " + std::string(field.name.str());
            if (field.annotation) text += " :: " + TypeToString(field.annotation);
            Open(indent + 2, text);
            if (field.default_value) Child(field.default_value, indent + 2);
            out_ << ")";
          }
          out_ << ")";
        }
        Child(lambda->body, indent);
        out_ << ")";
        return;
      }
      case Kind::kApply: {
        const auto* apply = llvm::cast<Apply>(e);
        out_ << "(apply";
        Child(apply->fn, indent);
        for (const Expr* arg : apply->args) Child(arg, indent);
        out_ << ")";
        return;
      }
      case Kind::kLet: {
        const auto* let = llvm::cast<Let>(e);
        out_ << "(let";
        for (const Binding& binding : let->bindings) {
          std::string head = "(binding " + AttrText(binding.name);
          if (binding.annotation) head += " :: " + TypeToString(binding.annotation);
          if (binding.inherited) head += " inherited";
          Open(indent + 1, head);
          Child(binding.value, indent + 1);
          out_ << ")";
        }
        Child(let->body, indent);
        out_ << ")";
        return;
      }
      case Kind::kIf: {
        const auto* if_expr = llvm::cast<If>(e);
        out_ << "(if";
        Child(if_expr->cond, indent);
        Child(if_expr->then_branch, indent);
        Child(if_expr->else_branch, indent);
        out_ << ")";
        return;
      }
      case Kind::kAssert: {
        const auto* assert_expr = llvm::cast<Assert>(e);
        out_ << "(assert";
        Child(assert_expr->cond, indent);
        Child(assert_expr->body, indent);
        out_ << ")";
        return;
      }
      case Kind::kSelect: {
        const auto* select = llvm::cast<Select>(e);
        out_ << "(select " << PathText(select->path);
        Child(select->target, indent);
        if (select->fallback) {
          Open(indent + 1, "(or");
          Child(select->fallback, indent + 1);
          out_ << ")";
        }
        out_ << ")";
        return;
      }
      case Kind::kHasAttr: {
        const auto* has = llvm::cast<HasAttr>(e);
        out_ << "(has " << PathText(has->path);
        Child(has->target, indent);
        out_ << ")";
        return;
      }
      case Kind::kBinary: {
        const auto* binary = llvm::cast<Binary>(e);
        out_ << "(" << Spelling(binary->op);
        Child(binary->lhs, indent);
        Child(binary->rhs, indent);
        out_ << ")";
        return;
      }
      case Kind::kUnary: {
        const auto* unary = llvm::cast<Unary>(e);
        out_ << (unary->op == UnaryOp::kNot ? "(not" : "(neg");
        Child(unary->operand, indent);
        out_ << ")";
        return;
      }
      case Kind::kAnnotated: {
        const auto* annotated = llvm::cast<Annotated>(e);
        out_ << "(annotated " << TypeToString(annotated->type);
        Child(annotated->expr, indent);
        out_ << ")";
        return;
      }
    }
    out_ << "(unknown)";
  }

 private:
  void Child(const Expr* e, int indent) {
    out_ << "\n";
    Print(e, indent + 1);
  }
  void Open(int indent, const std::string& head) {
    out_ << "\n" << std::string(indent * 2, ' ') << head;
  }

  std::ostream& out_;
};

void AppendType(std::string& out, const TypeExpr* type, bool parenthesize_functions) {
  if (!type) {
    out += "?";
    return;
  }
  switch (type->kind()) {
    case TypeKind::kNamed:
      out += llvm::cast<NamedType>(type)->name.str();
      return;
    case TypeKind::kVar:
      out += llvm::cast<VarType>(type)->name.str();
      return;
    case TypeKind::kError:
      out += "<error>";
      return;
    case TypeKind::kList: {
      const TypeExpr* element = llvm::cast<ListType>(type)->element;
      bool atomic =
          element && (element->kind() != TypeKind::kList && element->kind() != TypeKind::kFunction);
      out += "List ";
      if (!atomic) out += "(";
      AppendType(out, element, false);
      if (!atomic) out += ")";
      return;
    }
    case TypeKind::kFunction: {
      const auto* fn = llvm::cast<FunctionType>(type);
      if (parenthesize_functions) out += "(";
      AppendType(out, fn->param, true);
      out += " -> ";
      AppendType(out, fn->result, false);
      if (parenthesize_functions) out += ")";
      return;
    }
    case TypeKind::kRecord: {
      const auto* record = llvm::cast<RecordType>(type);
      out += "{";
      for (size_t i = 0; i < record->fields.size(); ++i) {
        out += i == 0 ? " " : "; ";
        out += AttrText(record->fields[i].name);
        out += " :: ";
        AppendType(out, record->fields[i].type, false);
      }
      if (record->open) out += record->fields.empty() ? " ..." : "; ...";
      out += record->fields.empty() && !record->open ? "}" : " }";
      return;
    }
  }
}

}  // namespace

void PrintAst(std::ostream& out, const Expr* root) {
  Printer(out).Print(root, 0);
  out << "\n";
}

std::string TypeToString(const TypeExpr* type) {
  std::string out;
  AppendType(out, type, false);
  return out;
}

std::string JsonQuote(std::string_view text) {
  std::string out = "\"";
  for (size_t i = 0; i < text.size();) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      // `" \ \n \t \r` as Strata writes them (JSON has the same escapes), else \u00XX or as is.
      if (!AppendBackslashEscape(out, static_cast<char>(c))) {
        if (c < 0x20 || c == 0x7f) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out += buffer;
        } else {
          out += static_cast<char>(c);
        }
      }
      ++i;
      continue;
    }
    size_t length = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    bool valid = length > 0 && i + length <= text.size();
    for (size_t k = 1; valid && k < length; ++k)
      valid = (static_cast<unsigned char>(text[i + k]) & 0xC0) == 0x80;
    if (valid) {
      out.append(text.substr(i, length));
      i += length;
    } else {
      out += "\\ufffd";
      ++i;
    }
  }
  return out + "\"";
}

}  // namespace strata::syntax
