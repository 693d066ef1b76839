# mosaic_add_plugin(NAME <name> SOURCES <src>... [LIBRARIES <lib>...] [NO_INSTALL]
#                   [OUTPUT_DIRECTORY <dir>] [COMPONENT <component>])
#
# Builds <name>.so with hidden visibility, -Wl,-z,defs (every symbol resolved at link time)
# and a version script that exports mosaic_plugin_query alone, writes <name>.plugin.json
# beside it with mosaic-plugin-manifest, and installs both (component <name> unless COMPONENT
# says otherwise) into MOSAIC_PLUGIN_INSTALL_DIR. Also defines the OBJECT library
# <name>_objects, which tests link with the in-process FakeHost.
#
# MOSAIC_PLUGIN_INSTALL_DIR is read when mosaic_add_plugin is called. Unset, it is
# ${CMAKE_INSTALL_LIBDIR}/mosaic/plugins (GNUInstallDirs), relative: under the install
# prefix of the project being built (-DCMAKE_INSTALL_PREFIX, or `cmake --install --prefix`),
# never the SDK's. Set it (-DMOSAIC_PLUGIN_INSTALL_DIR=...) to a path relative to that prefix
# or to an absolute directory, e.g. share/mosaic/plugins with prefix ~/.local, the directory
# mosaic searches by default for the user (docs/plugin-manifest.md, "Where the host looks").
include_guard(GLOBAL)

function(mosaic_add_plugin)
  cmake_parse_arguments(P "NO_INSTALL" "NAME;OUTPUT_DIRECTORY;COMPONENT" "SOURCES;LIBRARIES" ${ARGN})
  if(NOT P_NAME OR NOT P_SOURCES)
    message(FATAL_ERROR "mosaic_add_plugin: NAME and SOURCES are required")
  endif()
  if(NOT P_OUTPUT_DIRECTORY)
    if(DEFINED MOSAIC_PLUGIN_BUILD_DIR)
      set(P_OUTPUT_DIRECTORY ${MOSAIC_PLUGIN_BUILD_DIR})
    else()
      set(P_OUTPUT_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR}/plugins)
    endif()
  endif()
  if(NOT P_COMPONENT)
    set(P_COMPONENT ${P_NAME})
  endif()
  if(DEFINED MOSAIC_PLUGIN_INSTALL_DIR)
    set(destination ${MOSAIC_PLUGIN_INSTALL_DIR})
  else()
    include(GNUInstallDirs)
    set(destination ${CMAKE_INSTALL_LIBDIR}/mosaic/plugins)
  endif()

  set(objects ${P_NAME}_objects)
  add_library(${objects} OBJECT ${P_SOURCES})
  set_target_properties(${objects} PROPERTIES
    POSITION_INDEPENDENT_CODE ON CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON)
  target_link_libraries(${objects} PUBLIC MosaicSDK::sdk MosaicSDK::support ${P_LIBRARIES})

  add_library(${P_NAME} MODULE)
  target_link_libraries(${P_NAME} PRIVATE ${objects})
  # Export exactly mosaic_plugin_query (the version script beside this file).
  set(_mosaic_plugin_map ${CMAKE_CURRENT_FUNCTION_LIST_DIR}/mosaic-plugin.map)
  target_link_options(${P_NAME} PRIVATE -Wl,-z,defs "-Wl,--version-script=${_mosaic_plugin_map}")
  set_property(TARGET ${P_NAME} APPEND PROPERTY LINK_DEPENDS ${_mosaic_plugin_map})
  set_target_properties(${P_NAME} PROPERTIES
    PREFIX "" OUTPUT_NAME ${P_NAME} SUFFIX ".so"
    CXX_VISIBILITY_PRESET hidden VISIBILITY_INLINES_HIDDEN ON
    LIBRARY_OUTPUT_DIRECTORY ${P_OUTPUT_DIRECTORY})
  add_custom_command(TARGET ${P_NAME} POST_BUILD
    COMMAND MosaicSDK::mosaic-plugin-manifest $<TARGET_FILE:${P_NAME}>
            --output ${P_OUTPUT_DIRECTORY}/${P_NAME}.plugin.json
    COMMENT "Writing ${P_NAME}.plugin.json"
    VERBATIM)

  if(NOT P_NO_INSTALL)
    install(TARGETS ${P_NAME} LIBRARY DESTINATION ${destination} COMPONENT ${P_COMPONENT})
    install(FILES ${P_OUTPUT_DIRECTORY}/${P_NAME}.plugin.json
      DESTINATION ${destination} COMPONENT ${P_COMPONENT})
  endif()
endfunction()
