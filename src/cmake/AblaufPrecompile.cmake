# ablauf_precompile(TARGET HEADER...): has the compiler parse the headers every file of TARGET
# includes once for the target, instead of once per file. Parsing Boost.JSON, Catch2 and the
# library's own headers was over half the time of compiling a test file, and CI compiles the
# project four times (docs/building.md). Only targets of many files gain from it; a single-file
# target would parse the headers once either way.
#
# ABLAUF_PRECOMPILE_HEADERS=OFF compiles every file on its own includes alone. The ci preset
# does, so that a file that forgets an include fails there, and so that its warnings are
# GCC's own: with precompiled headers, GCC 12 inlines differently when optimising and reports
# out-of-bounds copies inside libstdc++'s own std::string code (GCC bugs 105329, 105651) in
# files that compile cleanly without them. The tsan preset precompiles all the same, for a
# build half as long, and turns those four warnings off (array-bounds, stringop-overflow,
# stringop-overread, restrict): the ci preset keeps them.
option(ABLAUF_PRECOMPILE_HEADERS "Precompile the headers the files of a target share" ON)

function(ablauf_precompile target)
  if(ABLAUF_PRECOMPILE_HEADERS)
    target_precompile_headers(${target} PRIVATE ${ARGN})
  endif()
endfunction()
