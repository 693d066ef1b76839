# Read by cpack before it builds the packages (CPACK_PROJECT_CONFIG_FILE).
# Debian packages install under /usr, and only a tree configured with that prefix has the
# multiarch libdir the host searches and the right paths in mosaic-sdk.pc.
if(NOT CPACK_PACKAGING_INSTALL_PREFIX STREQUAL "/usr")
  message(FATAL_ERROR "packaging: this tree was configured with CMAKE_INSTALL_PREFIX="
    "'${CPACK_PACKAGING_INSTALL_PREFIX}'; Debian packages need /usr. Build them with "
    "scripts/package.sh, or configure with -DCMAKE_INSTALL_PREFIX=/usr.")
endif()
