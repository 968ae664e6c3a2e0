# Compiler flags shared by every bitmill target.
add_library(bitmill_flags INTERFACE)
target_compile_options(bitmill_flags INTERFACE
  -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor -Wold-style-cast -Wcast-align
  -Wunused -Woverloaded-virtual -Wnull-dereference -Wdouble-promotion -Wformat=2
  -Wimplicit-fallthrough)
if(BITMILL_WERROR)
  target_compile_options(bitmill_flags INTERFACE -Werror)
endif()

# Each function and object in its own section, so that a tool's link can drop what it does not
# reach (bitmill_tool() links with --gc-sections; the link checks must not, or they would check
# nothing).
target_compile_options(bitmill_flags INTERFACE -ffunction-sections -fdata-sections)
