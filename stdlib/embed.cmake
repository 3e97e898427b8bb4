# Writes OUTPUT: a C++ file holding every stdlib/*.strata as a byte array (no quoting issues).
file(GLOB sources RELATIVE "${SOURCE_DIR}" "${SOURCE_DIR}/*.strata")
list(SORT sources)
set(body "// Generated from stdlib/*.strata by stdlib/embed.cmake; do not edit.\n")
string(APPEND body "#include \"stdlib/embedded.h\"\n#include <algorithm>\n#include <utility>\n")
string(APPEND body "namespace strata::stdlib {\nnamespace {\n")
set(table "")
set(index 0)
foreach(source IN LISTS sources)
  file(READ "${SOURCE_DIR}/${source}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  math(EXPR size "${hex_length} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
  string(APPEND body "const char kModule${index}[] = {${bytes} 0};\n")
  string(REGEX REPLACE "\\.strata$" "" name "${source}")
  string(APPEND table "  {\"${name}\", std::string_view(kModule${index}, ${size})},\n")
  math(EXPR index "${index} + 1")
endforeach()
string(APPEND body "const std::pair<std::string_view, std::string_view> kModules[] = {\n${table}  {\"\", \"\"}};\n")
string(APPEND body "}  // namespace\n\n")
string(APPEND body [=[
std::optional<std::string_view> Lookup(std::string_view name) {
  for (const auto& [module, text] : kModules)
    if (!module.empty() && module == name) return text;
  return std::nullopt;
}

std::vector<std::string_view> Names() {
  std::vector<std::string_view> names;
  for (const auto& [module, text] : kModules)
    if (!module.empty()) names.push_back(module);
  std::sort(names.begin(), names.end());
  return names;
}

}  // namespace strata::stdlib
]=])
file(WRITE "${OUTPUT}.tmp" "${body}")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
