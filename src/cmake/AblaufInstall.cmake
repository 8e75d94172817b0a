# Installs headers, the library and an ablaufConfig.cmake, so that a host project can
# find_package(ablauf) and link ablauf::ablauf.
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ABLAUF_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/ablauf")

install(TARGETS ablauf ablauf_ed25519 EXPORT ablaufTargets
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
  INCLUDES DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(DIRECTORY "${PROJECT_SOURCE_DIR}/include/ablauf"
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
if(TARGET ablauf_cli)
  install(TARGETS ablauf_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR})
endif()

install(EXPORT ablaufTargets NAMESPACE ablauf:: DESTINATION ${ABLAUF_CMAKE_DIR})
export(EXPORT ablaufTargets NAMESPACE ablauf::
  FILE "${PROJECT_BINARY_DIR}/ablaufTargets.cmake")

configure_package_config_file(
  "${CMAKE_CURRENT_LIST_DIR}/ablaufConfig.cmake.in"
  "${PROJECT_BINARY_DIR}/ablaufConfig.cmake"
  INSTALL_DESTINATION ${ABLAUF_CMAKE_DIR})
write_basic_package_version_file(
  "${PROJECT_BINARY_DIR}/ablaufConfigVersion.cmake"
  COMPATIBILITY SameMinorVersion)
install(FILES
  "${PROJECT_BINARY_DIR}/ablaufConfig.cmake"
  "${PROJECT_BINARY_DIR}/ablaufConfigVersion.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/FindLibHaru.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/FindSodium.cmake"
  DESTINATION ${ABLAUF_CMAKE_DIR})
