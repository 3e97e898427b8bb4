// A zero-copy deb822 parser: one pass over the text, fields as slices of it.
#include "runtime/debian/control_file.h"

#include <string>

namespace strata::debian {

llvm::StringRef Stanza::Get(llvm::StringRef name) const {
  for (const auto& [field, value] : fields)
    if (field.equals_insensitive(name)) return value;
  return "";
}

bool Stanza::Has(llvm::StringRef name) const {
  for (const auto& field : fields)
    if (field.first.equals_insensitive(name)) return true;
  return false;
}

llvm::Error ForEachStanza(llvm::StringRef text, llvm::StringRef what,
                          llvm::function_ref<llvm::Error(const Stanza&)> on_stanza) {
  Stanza current;
  // The field being read: its value runs from value_begin to the end of its last line.
  const char* value_begin = nullptr;
  const char* value_end = nullptr;
  auto finish_field = [&] {
    if (!value_begin) return;
    llvm::StringRef value(value_begin, value_end - value_begin);
    current.fields.back().second = value.trim();
    value_begin = nullptr;
  };
  auto finish_stanza = [&]() -> llvm::Error {
    finish_field();
    if (current.fields.empty()) return llvm::Error::success();
    llvm::Error err = on_stanza(current);
    current.fields.clear();
    return err;
  };
  size_t line_number = 0;
  while (!text.empty()) {
    size_t eol = text.find('\n');
    llvm::StringRef line = text.take_front(eol);
    text = eol == llvm::StringRef::npos ? llvm::StringRef() : text.drop_front(eol + 1);
    ++line_number;
    if (!line.empty() && line.back() == '\r') line = line.drop_back();
    if (line.empty() || line.find_first_not_of(" \t") == llvm::StringRef::npos) {
      if (llvm::Error err = finish_stanza()) return err;
      continue;
    }
    if (line.front() == '#') continue;
    if (line.front() == ' ' || line.front() == '\t') {
      if (!value_begin)
        return llvm::createStringError(std::errc::invalid_argument,
                                       "%s:%zu: a continuation line with no field before it",
                                       what.str().c_str(), line_number);
      value_end = line.end();
      continue;
    }
    size_t colon = line.find(':');
    llvm::StringRef name =
        colon == llvm::StringRef::npos ? llvm::StringRef() : line.take_front(colon);
    if (name.empty() || name.find_first_of(" \t") != llvm::StringRef::npos)
      return llvm::createStringError(
          std::errc::invalid_argument, "%s:%zu: expected 'Name: value', found '%s'",
          what.str().c_str(), line_number, line.take_front(60).str().c_str());
    finish_field();
    if (current.fields.empty()) current.line = line_number;
    current.fields.emplace_back(name, llvm::StringRef());
    value_begin = line.begin() + colon + 1;
    value_end = line.end();
  }
  return finish_stanza();
}

llvm::Expected<std::vector<Stanza>> ParseControl(llvm::StringRef text, llvm::StringRef what) {
  std::vector<Stanza> stanzas;
  if (llvm::Error err = ForEachStanza(text, what, [&](const Stanza& stanza) {
        stanzas.push_back(stanza);
        return llvm::Error::success();
      }))
    return err;
  return stanzas;
}

std::vector<llvm::StringRef> ValueLines(llvm::StringRef value) {
  std::vector<llvm::StringRef> lines;
  while (!value.empty()) {
    auto [line, rest] = value.split('\n');
    if (!line.trim().empty()) lines.push_back(line.trim());
    value = rest;
  }
  return lines;
}

}  // namespace strata::debian
