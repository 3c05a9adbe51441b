# CMake toolchain file: build for aarch64 Linux with Debian's gcc-aarch64-linux-gnu;
# polytile_add_model then compiles models for aarch64-linux-gnu (one thread).
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_FIND_ROOT_PATH /usr/aarch64-linux-gnu)
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(POLYTILE_TARGET_TRIPLE aarch64-linux-gnu CACHE STRING "")
