# ablauf_set_warnings(TARGET): warnings for ablauf's own targets only. They are PRIVATE, so
# nothing leaks into a host that links ablauf::ablauf. Designated initializers leave members at
# their declared defaults on purpose, so GCC's missing-field-initializers warning is off.
function(ablauf_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                             -Wnon-virtual-dtor -Wold-style-cast
                                             -Wno-missing-field-initializers)
    if(ABLAUF_WERROR)
      target_compile_options(${target} PRIVATE -Werror)
    endif()
  elseif(MSVC)
    target_compile_options(${target} PRIVATE /W4 /permissive-)
    if(ABLAUF_WERROR)
      target_compile_options(${target} PRIVATE /WX)
    endif()
  endif()
endfunction()
