# BITMILL_SANITIZE (top-level CMakeLists.txt): builds everything, library, tools and tests alike,
# with the sanitizers named, so that the test suite (scripts/test.sh --sanitize) runs instrumented
# code end to end. Applied globally rather than through bitmill_flags because the tests' helpers and
# the CLI golden tests' tools must be instrumented too, and ASan/TSan need every object of a
# program built the same way.
#
# -O1 -g: stacks that name the line, at a tolerable speed; frame pointers for cheap unwinding.
# -fno-sanitize-recover=all: the first report fails the test instead of scrolling past.
# -Wno-maybe-uninitialized: with the instrumentation at -O1, GCC 12 warns inside libstdc++'s
# std::function as <regex> uses it (a false positive the same code does not give without
# -fsanitize); the Release build keeps the warning for bitmill's code.
if(BITMILL_SANITIZE STREQUAL "")
  return()
endif()
string(REPLACE "," ";" bitmill_sanitizers "${BITMILL_SANITIZE}")
foreach(s ${bitmill_sanitizers})
  if(NOT s MATCHES "^(address|undefined|thread)$")
    message(FATAL_ERROR "BITMILL_SANITIZE: unknown sanitizer '${s}' (address, undefined or thread)")
  endif()
endforeach()
if("thread" IN_LIST bitmill_sanitizers AND "address" IN_LIST bitmill_sanitizers)
  message(FATAL_ERROR "BITMILL_SANITIZE: thread cannot be combined with address")
endif()
message(STATUS "Sanitizers: ${BITMILL_SANITIZE}")
add_compile_options(-fsanitize=${BITMILL_SANITIZE} -fno-omit-frame-pointer
                    -fno-sanitize-recover=all -O1 -g -Wno-maybe-uninitialized)
add_link_options(-fsanitize=${BITMILL_SANITIZE})
# Likewise, TSan's instrumentation makes GCC 12 see a "potential null pointer dereference" in
# libstdc++'s std::string as CLI11's StringTools.hpp moves it; the Release build keeps it.
# On bitmill_flags, after its -Wnull-dereference, for the later flag wins.
if("thread" IN_LIST bitmill_sanitizers)
  target_compile_options(bitmill_flags INTERFACE -Wno-null-dereference)
endif()
