# cmake -DINPUT=FILE -DOUTPUT=CPP -DFUNCTION=NAME -P embed_text.cmake
# Writes a C++ file defining `std::string_view NAMESPACE::NAME()` that returns FILE's text
# (-DNAMESPACE=..., sahab::collector when not given).
if(NOT DEFINED NAMESPACE)
  set(NAMESPACE sahab::collector)
endif()
file(READ "${INPUT}" content)
string(FIND "${content}" ")sahab_text\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains the raw string delimiter )sahab_text\"")
endif()
file(WRITE "${OUTPUT}.tmp" "// Generated from ${INPUT} by packaging/embed_text.cmake: do not edit.
#include <string_view>

namespace ${NAMESPACE} {
std::string_view ${FUNCTION}() {
  static constexpr std::string_view text = R\"sahab_text(${content})sahab_text\";
  return text;
}
}  // namespace ${NAMESPACE}
")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")
