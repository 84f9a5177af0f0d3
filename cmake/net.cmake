# net.cmake: the library lib/net links: wslay, for WebSocket framing (certificate paths in
# config.yaml are read through lib/config, which brings libyaml). Debian's libwslay-dev ships a
# CMake package config but no pkg-config file, so look for the config first and fall back to a
# plain library/header search.
find_package(wslay CONFIG QUIET)
if(TARGET wslay)
  set(CFARM_WSLAY_LIB wslay)
else()
  find_library(CFARM_WSLAY_LIB NAMES wslay REQUIRED)
  find_path(CFARM_WSLAY_INCLUDE wslay/wslay.h REQUIRED)
  target_include_directories(cfarm_lib PUBLIC ${CFARM_WSLAY_INCLUDE})
endif()

target_link_libraries(cfarm_lib PUBLIC ${CFARM_WSLAY_LIB})
