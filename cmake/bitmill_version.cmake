# Version from project(); git describe appended when the source is a git checkout.
set(BITMILL_GIT_DESCRIBE "")
find_package(Git QUIET)
if(GIT_FOUND AND EXISTS "${PROJECT_SOURCE_DIR}/.git")
  execute_process(
    COMMAND "${GIT_EXECUTABLE}" describe --always --dirty --tags
    WORKING_DIRECTORY "${PROJECT_SOURCE_DIR}"
    OUTPUT_VARIABLE BITMILL_GIT_DESCRIBE
    OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
endif()
configure_file("${PROJECT_SOURCE_DIR}/lib/include/bitmill/version.h.in"
               "${PROJECT_BINARY_DIR}/generated/bitmill/version.h" @ONLY)
