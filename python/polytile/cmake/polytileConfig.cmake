# find_package(polytile) entry point: -Dpolytile_DIR=$(polytile-compile --print-cmake-dir).
include("${CMAKE_CURRENT_LIST_DIR}/polytile.cmake")
set(polytile_FOUND TRUE)
