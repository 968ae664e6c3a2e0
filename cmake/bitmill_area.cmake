# bitmill_area(NAME [AREAS area...] [PUBLIC lib...] [PRIVATE lib...]): the static library
# bitmill_NAME of lib/src/NAME/*.cc (not *_test.cc, not *_bench.cc), whose public headers are
# lib/include/bitmill/NAME/. AREAS are the bitmill areas it may use, PUBLIC the external libraries
# its public headers expose, PRIVATE those only its sources use.
#
# The declared AREAS are the layering, and two checks hold the code to it:
#  - the linker: bitmill_linkcheck_NAME links every object of the area (whole archive) against
#    the declared areas only, so a call into an undeclared area is an undefined symbol;
#  - scripts/check-layers.sh (the style/layers test): an #include of another area's header needs
#    that area among the declared ones, directly or through them; another area's private header
#    (lib/src/OTHER/...) is never included. It reads build/layers.txt, written from the same
#    declarations by bitmill_write_layers().
#
# Files named *_avx2.cc, *_avxvnni.cc (AVX2 and the VEX form of VNNI), *_avx512.cc (F, BW, VL, DQ)
# and *_avx512vnni.cc (the same and VNNI) are
# compiled for that instruction set only; a dispatcher chooses among them at run time (kernels/).
function(bitmill_area name)
  cmake_parse_arguments(A "" "" "AREAS;PUBLIC;PRIVATE" ${ARGN})
  set(dir ${PROJECT_SOURCE_DIR}/lib/src/${name})
  file(GLOB sources CONFIGURE_DEPENDS ${dir}/*.cc)
  list(FILTER sources EXCLUDE REGEX "_(test|bench)\\.cc$")
  foreach(src ${sources})
    if(src MATCHES "_avx2\\.cc$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma;-mf16c")
    elseif(src MATCHES "_avxvnni\\.cc$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS "-mavx2;-mfma;-mf16c;-mavxvnni")
    elseif(src MATCHES "_avx512\\.cc$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS
        "-mavx2;-mfma;-mf16c;-mavx512f;-mavx512bw;-mavx512vl;-mavx512dq")
    elseif(src MATCHES "_avx512vnni\\.cc$")
      set_source_files_properties(${src} PROPERTIES COMPILE_OPTIONS
        "-mavx2;-mfma;-mf16c;-mavx512f;-mavx512bw;-mavx512vl;-mavx512dq;-mavx512vnni")
    endif()
  endforeach()
  set(target bitmill_${name})
  add_library(${target} STATIC ${sources})
  add_dependencies(${target} bitmill_version)
  target_include_directories(${target}
    PUBLIC ${PROJECT_SOURCE_DIR}/lib/include ${PROJECT_BINARY_DIR}/generated
    PRIVATE ${PROJECT_SOURCE_DIR}/lib/src)
  set(deps "")
  foreach(a ${A_AREAS})
    list(APPEND deps bitmill_${a})
  endforeach()
  target_link_libraries(${target} PUBLIC ${deps} ${A_PUBLIC} PRIVATE bitmill_flags ${A_PRIVATE})

  add_executable(bitmill_linkcheck_${name} ${PROJECT_SOURCE_DIR}/cmake/linkcheck_main.cc)
  target_link_libraries(bitmill_linkcheck_${name} PRIVATE "$<LINK_LIBRARY:WHOLE_ARCHIVE,${target}>")
  set_target_properties(bitmill_linkcheck_${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${PROJECT_BINARY_DIR}/linkcheck)
  # Built with `all`, so a broken layering fails the build, not a later test.

  set_property(GLOBAL APPEND PROPERTY BITMILL_AREAS ${name})
  set_property(GLOBAL PROPERTY BITMILL_AREA_${name} ${A_AREAS})
endfunction()

# bitmill_tool(NAME AREAS area...): the program bitmill-NAME from apps/NAME/main.cpp, linked with
# the command-line layer (cli) and the areas it uses, and nothing else.
function(bitmill_tool name)
  cmake_parse_arguments(T "" "" "AREAS" ${ARGN})
  set(target bitmill-${name})
  add_executable(${target} ${PROJECT_SOURCE_DIR}/apps/${name}/main.cpp)
  set(deps bitmill_cli)
  foreach(a ${T_AREAS})
    list(APPEND deps bitmill_${a})
  endforeach()
  target_link_libraries(${target} PRIVATE ${deps} bitmill_flags)
  # The library code the tool does not reach is left out (cmake/bitmill_options.cmake).
  target_link_options(${target} PRIVATE -Wl,--gc-sections)
  install(TARGETS ${target} RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
  set_property(GLOBAL APPEND PROPERTY BITMILL_TOOLS ${name})
  set_property(GLOBAL PROPERTY BITMILL_TOOL_${name} cli ${T_AREAS})
endfunction()

# Writes build/layers.txt: "area NAME: AREA..." and "tool NAME: AREA..." lines, the declared
# direct dependencies, for scripts/check-layers.sh.
function(bitmill_write_layers)
  get_property(areas GLOBAL PROPERTY BITMILL_AREAS)
  get_property(tools GLOBAL PROPERTY BITMILL_TOOLS)
  set(text "# Written by CMake from the bitmill_area() and bitmill_tool() declarations.\n")
  foreach(a ${areas})
    get_property(deps GLOBAL PROPERTY BITMILL_AREA_${a})
    list(JOIN deps " " deps)
    string(APPEND text "area ${a}: ${deps}\n")
  endforeach()
  foreach(t ${tools})
    get_property(deps GLOBAL PROPERTY BITMILL_TOOL_${t})
    list(JOIN deps " " deps)
    string(APPEND text "tool ${t}: ${deps}\n")
  endforeach()
  file(WRITE ${PROJECT_BINARY_DIR}/layers.txt "${text}")
endfunction()
