# config module: Chia's config.yaml is read and written with libyaml (Debian libyaml-dev).
pkg_check_modules(CFARM_YAML REQUIRED IMPORTED_TARGET yaml-0.1)
target_link_libraries(cfarm_lib PUBLIC PkgConfig::CFARM_YAML)
