# Makes the generated lexer's and parser's one-time set-up lazy.
#
# ANTLR 4.7.2's C++ target gives RigLexer and RigParser a static
# `Initializer _init` that deserializes their ATNs while the program starts:
# about 40% of the start-up of every `rig` command, although most runs never
# use ANTLR (the fast parser takes every file without a syntax error). This
# script, run on the freshly generated files, replaces each static member
# with `initializeOnce()`, which parse.cpp calls before it first makes a
# lexer or parser (a function-local static: thread-safe, runs once).
#
# usage: cmake -DGEN_DIR=<generated dir> -P lazy_initializers.cmake
foreach(name RigLexer RigParser)
  set(header ${GEN_DIR}/${name}.h)
  set(source ${GEN_DIR}/${name}.cpp)
  file(READ ${header} h)
  file(READ ${source} c)
  set(decl "  static Initializer _init;\n")
  set(def "${name}::Initializer ${name}::_init;")
  string(FIND "${h}" "${decl}" at_decl)
  string(FIND "${c}" "${def}" at_def)
  if(at_decl EQUAL -1 OR at_def EQUAL -1)
    message(FATAL_ERROR "grammar/lazy_initializers.cmake: ${name}.h/.cpp do not have the static Initializer "
                        "ANTLR 4.7.2 generates; update the script for this ANTLR version")
  endif()
  string(REPLACE "${decl}"
         "public:\n  // Added by grammar/lazy_initializers.cmake: the set-up, on first use.\n  static void initializeOnce();\n"
         h "${h}")
  string(REPLACE "${def}" "void ${name}::initializeOnce() { static Initializer once; }" c "${c}")
  file(WRITE ${header} "${h}")
  file(WRITE ${source} "${c}")
endforeach()
