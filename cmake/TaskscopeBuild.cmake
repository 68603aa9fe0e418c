# Build-wide settings: warnings, ccache and the sanitizer switch used by CMakePresets.json.

option(TASKSCOPE_WERROR "Treat compiler warnings as errors (on in CI)" "$ENV{CI}")
set(TASKSCOPE_SANITIZE "" CACHE STRING "Sanitizers to build with: '', 'address,undefined' or 'thread'")
option(TASKSCOPE_FUZZ "Build only the engine and the libFuzzer harnesses of tests/fuzz (clang; the fuzz preset)" OFF)

find_program(TASKSCOPE_CCACHE ccache)
if(TASKSCOPE_CCACHE)
  set(CMAKE_CXX_COMPILER_LAUNCHER "${TASKSCOPE_CCACHE}")
endif()

add_library(taskscope_warnings INTERFACE)
target_compile_options(taskscope_warnings INTERFACE -Wall -Wextra)
# Not in the sanitizer builds: optimised, GCC warns inside the C++ that qmlcachegen makes of
# our QML (-Wmaybe-uninitialized in Qt's QJSPrimitiveValue), which is not ours to fix.
if(TASKSCOPE_WERROR AND NOT TASKSCOPE_SANITIZE)
  target_compile_options(taskscope_warnings INTERFACE -Werror)
endif()

if(TASKSCOPE_SANITIZE)
  add_compile_options(-fsanitize=${TASKSCOPE_SANITIZE} -fno-omit-frame-pointer -g)
  add_link_options(-fsanitize=${TASKSCOPE_SANITIZE})
  if(TASKSCOPE_SANITIZE MATCHES "undefined")
    add_compile_options(-fno-sanitize-recover=undefined)
  endif()
endif()

# The fuzz preset: coverage for libFuzzer in everything compiled (the harnesses add
# -fsanitize=fuzzer when they link, which brings libFuzzer's main).
if(TASKSCOPE_FUZZ)
  if(NOT CMAKE_CXX_COMPILER_ID STREQUAL "Clang")
    message(FATAL_ERROR "TASKSCOPE_FUZZ needs clang (libFuzzer); configure with the fuzz preset")
  endif()
  # -fsized-deallocation: GCC's default, not clang 16's; the frame pool calls the sized
  # operator delete.
  add_compile_options(-fsanitize=fuzzer-no-link -fsized-deallocation)
endif()

# taskscope_add_test(NAME SOURCES... LIBRARIES... [LABELS ...])
# One Qt Test executable per unit, registered with CTest under the given labels.
function(taskscope_add_test name)
  cmake_parse_arguments(ARG "" "TIMEOUT" "SOURCES;LIBRARIES;LABELS" ${ARGN})
  add_executable(${name} ${ARG_SOURCES})
  target_link_libraries(${name} PRIVATE Qt6::Test taskscope_testlib taskscope_warnings ${ARG_LIBRARIES})
  add_test(NAME ${name} COMMAND ${name})
  # Generous: the page tests wait on conditions, and with the machine busy (make test-load) a
  # whole page suite took past 120 s; a test that hangs still fails, only later.
  if(NOT ARG_TIMEOUT)
    set(ARG_TIMEOUT 300)
  endif()
  set_tests_properties(${name} PROPERTIES
    LABELS "${ARG_LABELS}"
    TIMEOUT ${ARG_TIMEOUT}
    ENVIRONMENT "QT_QPA_PLATFORM=offscreen;QT_QUICK_BACKEND=software;QT_FORCE_STDERR_LOGGING=1")
endfunction()
