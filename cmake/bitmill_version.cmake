# Version from project(); "git describe" appended when the source is a git checkout. The header is
# regenerated at every build (and rewritten only when its content changes), so --version names
# the commit that was built, not the one that was configured.
configure_file("${PROJECT_SOURCE_DIR}/cmake/write_version.cmake.in" "${PROJECT_BINARY_DIR}/write_version.cmake" @ONLY)
add_custom_target(bitmill_version ALL
  COMMAND ${CMAKE_COMMAND} -P "${PROJECT_BINARY_DIR}/write_version.cmake"
  BYPRODUCTS "${PROJECT_BINARY_DIR}/generated/bitmill/version.h"
  COMMENT "" VERBATIM)
