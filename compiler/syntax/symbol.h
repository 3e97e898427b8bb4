// Interned identifiers: two Symbols with the same spelling are the same pointer.
#pragma once

#include <functional>
#include <string_view>

namespace strata::syntax {

class Symbol {
 public:
  Symbol() = default;
  // Interns `name` in the process-wide table (the compiler is single-threaded).
  static Symbol Intern(std::string_view name);

  std::string_view str() const { return name_ ? *name_ : std::string_view(); }
  bool empty() const { return name_ == nullptr; }
  bool operator==(Symbol other) const { return name_ == other.name_; }
  bool operator!=(Symbol other) const { return name_ != other.name_; }
  // Orders by spelling (records print and hash their fields in this order).
  bool operator<(Symbol other) const { return str() < other.str(); }
  const void* opaque() const { return name_; }

 private:
  explicit Symbol(const std::string_view* name) : name_(name) {}
  const std::string_view* name_ = nullptr;
};

}  // namespace strata::syntax

template <>
struct std::hash<strata::syntax::Symbol> {
  size_t operator()(strata::syntax::Symbol s) const { return std::hash<const void*>()(s.opaque()); }
};
