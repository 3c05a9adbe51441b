# polytile.cmake: build ONNX models into linkable C libraries at build time.
#
#   find_package(polytile REQUIRED)   # with -Dpolytile_DIR=$(polytile-compile --print-cmake-dir)
#   # or: include(<polytile>/cmake/polytile.cmake)
#   polytile_add_model(NAME MODEL
#                      [THREADS n]                 # default: every core of the build machine (1 when cross)
#                      [TARGET_TRIPLE triple]      # default: ${POLYTILE_TARGET_TRIPLE}, else the host
#                      [CPU name] [FEATURES +a,-b]
#                      [INPUT_SHAPES in=1x3x224x224 ...]
#                      [OPTIONS extra polytile-compile options ...])
#   target_link_libraries(app PRIVATE NAME)
#
# NAME becomes a static library target built from `polytile-compile MODEL
# --emit=obj --name=NAME`; linking it gives its include folders (NAME.h and
# polytile/runtime.h), libm, and LLVM's libomp when THREADS > 1 (copied beside
# the object, found through the build RPATH). When cross-compiling
# (CMAKE_CROSSCOMPILING, e.g. with examples/c/aarch64-linux-gnu.cmake), the C
# compiler of the toolchain builds the C wrapper (--cc) and THREADS must be 1.
#
# Variables: POLYTILE_COMPILE (the polytile-compile program; found on PATH or
# beside the Python that has polytile), POLYTILE_INCLUDE_DIR,
# POLYTILE_TARGET_TRIPLE (the default TARGET_TRIPLE).
include_guard(GLOBAL)

if(NOT POLYTILE_COMPILE)
  get_filename_component(_polytile_cmake_dir "${CMAKE_CURRENT_LIST_DIR}" ABSOLUTE)
  find_program(POLYTILE_COMPILE polytile-compile
               HINTS "${_polytile_cmake_dir}/../../../../../bin" ENV VIRTUAL_ENV PATH_SUFFIXES bin)
endif()
if(NOT POLYTILE_COMPILE)
  message(FATAL_ERROR "polytile-compile not found: install polytile (pip install .) or set POLYTILE_COMPILE")
endif()
execute_process(COMMAND "${POLYTILE_COMPILE}" --print-include-dir
                OUTPUT_VARIABLE POLYTILE_INCLUDE_DIR OUTPUT_STRIP_TRAILING_WHITESPACE
                RESULT_VARIABLE _polytile_result)
if(NOT _polytile_result EQUAL 0)
  message(FATAL_ERROR "${POLYTILE_COMPILE} --print-include-dir failed")
endif()
message(STATUS "polytile-compile: ${POLYTILE_COMPILE}")
set(POLYTILE_TARGET_TRIPLE "${POLYTILE_TARGET_TRIPLE}" CACHE STRING "Default TARGET_TRIPLE of polytile_add_model")

function(polytile_add_model name model)
  cmake_parse_arguments(PT "" "THREADS;TARGET_TRIPLE;CPU;FEATURES" "INPUT_SHAPES;OPTIONS" ${ARGN})
  if(PT_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "polytile_add_model(${name}): unknown arguments ${PT_UNPARSED_ARGUMENTS}")
  endif()
  get_filename_component(model "${model}" ABSOLUTE)
  if(NOT PT_TARGET_TRIPLE)
    set(PT_TARGET_TRIPLE "${POLYTILE_TARGET_TRIPLE}")
  endif()
  if(NOT DEFINED PT_THREADS OR PT_THREADS STREQUAL "")
    if(CMAKE_CROSSCOMPILING OR PT_TARGET_TRIPLE)
      set(PT_THREADS 1)
    else()
      include(ProcessorCount)
      ProcessorCount(PT_THREADS)
      if(PT_THREADS EQUAL 0)
        set(PT_THREADS 1)
      endif()
    endif()
  endif()
  set(out "${CMAKE_CURRENT_BINARY_DIR}/polytile/${name}")
  set(args "${model}" --emit=obj "--name=${name}" -o "${out}/${name}.o" --threads "${PT_THREADS}")
  if(PT_TARGET_TRIPLE)
    list(APPEND args --target-triple "${PT_TARGET_TRIPLE}")
  endif()
  if(CMAKE_CROSSCOMPILING)
    list(APPEND args --cc "${CMAKE_C_COMPILER}")
  endif()
  if(PT_CPU)
    list(APPEND args --cpu "${PT_CPU}")
  endif()
  if(PT_FEATURES)
    list(APPEND args --features "${PT_FEATURES}")
  endif()
  foreach(shape IN LISTS PT_INPUT_SHAPES)
    list(APPEND args --input-shape "${shape}")
  endforeach()
  list(APPEND args ${PT_OPTIONS})
  set(outputs "${out}/${name}.o" "${out}/${name}.h")
  if(PT_THREADS GREATER 1)
    list(APPEND outputs "${out}/libomp.so")
  endif()
  add_custom_command(
    OUTPUT ${outputs}
    COMMAND "${CMAKE_COMMAND}" -E make_directory "${out}"
    COMMAND "${POLYTILE_COMPILE}" ${args}
    DEPENDS "${model}"
    COMMENT "polytile-compile ${model} -> ${name}.o"
    VERBATIM)
  set_source_files_properties("${out}/${name}.o" PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
  add_library(${name} STATIC "${out}/${name}.o" "${out}/${name}.h")
  set_target_properties(${name} PROPERTIES LINKER_LANGUAGE C)
  target_include_directories(${name} PUBLIC "${out}" "${POLYTILE_INCLUDE_DIR}")
  target_link_libraries(${name} INTERFACE m)
  if(PT_THREADS GREATER 1)
    target_link_libraries(${name} INTERFACE "${out}/libomp.so")
  endif()
endfunction()
