# Writes a C++ source holding a text file, so that what the binary serves is the file in the
# tree (g++ 12 has no #embed). Run at build time:
#   cmake -DIN=FILE -DOUT=FILE.cpp -DNAMESPACE=ns -DNAME=name -P embed_text.cmake
# defines `std::string_view NAME()` (the text) and `extern const std::string_view NAME_sha256`
# (its SHA-256, 64 hex digits). The text is held as raw string literals of whole lines, each
# under 64 KiB (the length compilers must support; clang warns beyond it), joined once (the text
# holds no NUL byte: the parts are C strings).
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
get_filename_component(source_name "${IN}" NAME)

set(parts "")
set(rest "${text}")
string(LENGTH "${rest}" left)
while(left GREATER 0)
  set(chunk_size 60000)
  if(left GREATER chunk_size)
    string(SUBSTRING "${rest}" 0 ${chunk_size} chunk)
    string(FIND "${chunk}" "\n" last_newline REVERSE)
    if(last_newline EQUAL -1)
      message(FATAL_ERROR "${IN} has a line longer than ${chunk_size} bytes")
    endif()
    math(EXPR cut "${last_newline} + 1")
    string(SUBSTRING "${rest}" 0 ${cut} chunk)
  else()
    set(chunk "${rest}")
    set(cut ${left})
  endif()
  string(APPEND parts "    R\"${delimiter}(${chunk})${delimiter}\",\n")
  string(SUBSTRING "${rest}" ${cut} -1 rest)
  math(EXPR left "${left} - ${cut}")
endwhile()

file(WRITE "${OUT}.tmp"
  "// Generated from ${source_name} by embed_text.cmake; do not edit.\n"
  "#include <string>\n#include <string_view>\n\n"
  "namespace ${NAMESPACE} {\n"
  "namespace {\n// Pointers, not string_views: a constant string_view of each part would have the\n"
  "// compiler count its length at compile time, beyond clang's limit of steps for a large text.\n"
  "constexpr const char* kParts[] = {\n${parts}};\n}  // namespace\n\n"
  "std::string_view ${NAME}();\n"
  "extern const std::string_view ${NAME}_sha256;\n\n"
  "std::string_view ${NAME}() {\n"
  "  static const std::string text = [] {\n"
  "    std::string out;\n"
  "    for (auto part : kParts) out += part;\n"
  "    return out;\n"
  "  }();\n"
  "  return text;\n"
  "}\n"
  "const std::string_view ${NAME}_sha256 = \"${hash}\";\n"
  "}  // namespace ${NAMESPACE}\n")
file(COPY_FILE "${OUT}.tmp" "${OUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUT}.tmp")
