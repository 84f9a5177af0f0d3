# BLS12-381 field and curve arithmetic: in optimised builds the sources are built at -O3 (full
# unrolling of the 6x64-bit Montgomery product) without the loop vectoriser, which otherwise
# turns the masked selections of every constant-time add into SSE code that reloads 16 bytes
# just stored 8 at a time (store-forwarding stalls: about a third slower overall).
file(GLOB CFARM_BLS_SOURCES CONFIGURE_DEPENDS ${CMAKE_SOURCE_DIR}/lib/crypto/bls/*.c)
if(NOT CMAKE_BUILD_TYPE STREQUAL "Debug")
  set_source_files_properties(${CFARM_BLS_SOURCES} PROPERTIES COMPILE_OPTIONS "-O3;-fno-tree-vectorize")
endif()
