# Writes a C++ source holding a text file as a raw string literal, with its SHA-256, so that
# what the binary serves is the file in the tree (g++ 12 has no #embed). Run at build time:
#   cmake -DIN=FILE -DOUT=FILE.cpp -DNAMESPACE=ns -DNAME=kName -P embed_text.cmake
# defines `extern const std::string_view NAME;` and `NAME_sha256` (64 hex digits).
file(READ "${IN}" text)
set(delimiter "gkembed")
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${IN} holds the raw string's end )${delimiter}\"")
endif()
string(FIND "${text}" "\r" cr)
if(NOT cr EQUAL -1)
  message(FATAL_ERROR "${IN} has carriage returns; a raw string would keep them only on some systems")
endif()
file(SHA256 "${IN}" hash)
file(WRITE "${OUT}.tmp"
  "// Generated from ${IN} by embed_text.cmake; do not edit.\n"
  "#include <string_view>\n\n"
  "namespace ${NAMESPACE} {\n"
  "namespace {\nconstexpr char kText[] = R\"${delimiter}(${text})${delimiter}\";\n}  // namespace\n"
  "extern const std::string_view ${NAME};\n"
  "extern const std::string_view ${NAME}_sha256;\n"
  "const std::string_view ${NAME}(kText, sizeof kText - 1);\n"
  "const std::string_view ${NAME}_sha256 = \"${hash}\";\n"
  "}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
