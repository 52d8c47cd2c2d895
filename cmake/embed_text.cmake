# Writes a C++ source that defines one text file's bytes as a string_view, so
# the binary carries the file and works from any directory. Run at build time:
#   cmake -DINPUT=<file> -DOUTPUT=<file.cpp> -DNAMESPACE=<ns> -DSYMBOL=<name> -P embed_text.cmake
# The text goes in one raw string literal; its delimiter must not occur in the text.
foreach(required INPUT OUTPUT NAMESPACE SYMBOL)
  if(NOT DEFINED ${required})
    message(FATAL_ERROR "embed_text.cmake: -D${required}=... is required")
  endif()
endforeach()

set(delimiter "ppisim_embedded")
file(READ "${INPUT}" text)
string(FIND "${text}" ")${delimiter}\"" clash)
if(NOT clash EQUAL -1)
  message(FATAL_ERROR "${INPUT} contains ')${delimiter}\"', which would end the embedded string early")
endif()

file(WRITE "${OUTPUT}"
  "// Generated from ${INPUT} by cmake/embed_text.cmake; edit that file, not this one.\n"
  "#include <string_view>\n\n"
  "namespace ${NAMESPACE} {\n"
  "extern const std::string_view ${SYMBOL};\n"
  "const std::string_view ${SYMBOL} = R\"${delimiter}(${text})${delimiter}\";\n"
  "}  // namespace ${NAMESPACE}\n")
