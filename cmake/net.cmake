# net.cmake: libraries lib/net links: wslay (WebSocket framing) and libyaml (Chia's config.yaml,
# for the certificate paths). Debian's libwslay-dev ships a CMake package config but no pkg-config
# file, so look for the config first and fall back to a plain library/header search.
find_package(wslay CONFIG QUIET)
if(TARGET wslay)
  set(CFARM_WSLAY_LIB wslay)
else()
  find_library(CFARM_WSLAY_LIB NAMES wslay REQUIRED)
  find_path(CFARM_WSLAY_INCLUDE wslay/wslay.h REQUIRED)
  target_include_directories(cfarm_lib PUBLIC ${CFARM_WSLAY_INCLUDE})
endif()

pkg_check_modules(CFARM_YAML QUIET yaml-0.1)
if(CFARM_YAML_FOUND)
  set(CFARM_YAML_LIB ${CFARM_YAML_LINK_LIBRARIES})
  target_include_directories(cfarm_lib PUBLIC ${CFARM_YAML_INCLUDE_DIRS})
else()
  find_library(CFARM_YAML_LIB NAMES yaml REQUIRED)
endif()

target_link_libraries(cfarm_lib PUBLIC ${CFARM_WSLAY_LIB} ${CFARM_YAML_LIB})
