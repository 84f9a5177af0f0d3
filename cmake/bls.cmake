# BLS12-381 field and curve arithmetic: the hot loops of signing and verification are built at
# -O3 (loop unrolling of the 6x64-bit Montgomery product) in optimised builds.
file(GLOB CFARM_BLS_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/lib/crypto/bls/*.c)
if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
  set_source_files_properties(${CFARM_BLS_SOURCES} PROPERTIES COMPILE_OPTIONS "-O3")
endif()
