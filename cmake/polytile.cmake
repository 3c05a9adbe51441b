# For projects that use a polytile checkout: include(<checkout>/cmake/polytile.cmake).
# The module itself ships with the Python package (polytile-compile --print-cmake-dir).
include("${CMAKE_CURRENT_LIST_DIR}/../python/polytile/cmake/polytile.cmake")
