# Writes the stdlib's .rig files into one C++ source as byte arrays, so the
# binary carries its standard library and imports of `std/…` never touch the
# disk. Run as: cmake -DSTDLIB_DIR=… -DOUTPUT=… -P embed.cmake
file(GLOB_RECURSE files RELATIVE "${STDLIB_DIR}" "${STDLIB_DIR}/std/*.rig")
list(SORT files)
set(body "// Generated from stdlib/ by stdlib/embed.cmake; do not edit.\n#include \"stdlib/embedded.h\"\n\nnamespace rig::stdlib {\nnamespace {\n")
set(table "")
set(i 0)
foreach(f IN LISTS files)
  file(READ "${STDLIB_DIR}/${f}" hex HEX)
  string(LENGTH "${hex}" hexlen)
  math(EXPR size "${hexlen} / 2")
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(APPEND body "const unsigned char kFile${i}[] = {${bytes}0};\n")
  string(APPEND table "    {\"${f}\", llvm::StringRef(reinterpret_cast<const char *>(kFile${i}), ${size})},\n")
  math(EXPR i "${i} + 1")
endforeach()
string(APPEND body "} // namespace\n\nllvm::ArrayRef<EmbeddedFile> files() {\n  static const EmbeddedFile kFiles[] = {\n${table}    {\"\", llvm::StringRef()},\n  };\n  return llvm::ArrayRef<EmbeddedFile>(kFiles, size_t(${i}));\n}\n\n} // namespace rig::stdlib\n")
file(WRITE "${OUTPUT}.tmp" "${body}")
# Rewrite only on change, so an unchanged stdlib does not relink everything.
execute_process(COMMAND ${CMAKE_COMMAND} -E copy_if_different "${OUTPUT}.tmp" "${OUTPUT}")
