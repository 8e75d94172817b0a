# Installs headers, the libraries, an ablaufConfig.cmake and a pkg-config file per component, so
# that a host project can find_package(ablauf [COMPONENTS ...]) and link ablauf::ablauf or the
# components it uses, or ask pkg-config for ablauf-core, ablauf-sqlite, ...
include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

set(ABLAUF_CMAKE_DIR "${CMAKE_INSTALL_LIBDIR}/cmake/ablauf")

set(ABLAUF_BUILT_COMPONENTS core)
foreach(name IN ITEMS sqlite postgres print kpi ed25519 http)
  if(TARGET ablauf_${name})
    list(APPEND ABLAUF_BUILT_COMPONENTS ${name})
  endif()
endforeach()
list(TRANSFORM ABLAUF_BUILT_COMPONENTS PREPEND "ablauf_" OUTPUT_VARIABLE component_targets)

install(TARGETS ablauf ${component_targets} EXPORT ablaufTargets
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
  "${CMAKE_CURRENT_LIST_DIR}/FindLibical.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/FindNettle.cmake"
  "${CMAKE_CURRENT_LIST_DIR}/FindSodium.cmake"
  DESTINATION ${ABLAUF_CMAKE_DIR})

# pkg-config: ablauf-<component>.pc for each component, and ablauf.pc for everything
# ablauf::ablauf links. What a component itself links goes into Requires and Libs when the
# libraries are static, so that a plain `pkg-config --libs` links; into Requires.private and
# Libs.private when they are shared.
get_target_property(ablauf_library_type ablauf_core TYPE)
set(private_suffix ".private")
if(ablauf_library_type STREQUAL "STATIC_LIBRARY")
  set(private_suffix "")
endif()

# ablauf_write_pkgconfig(COMPONENT DESCRIPTION REQUIRES LIBS): ablauf-COMPONENT.pc for
# -lablauf_COMPONENT, which depends on ablauf-core (but core itself), on the pkg-config packages
# REQUIRES and on the flags LIBS.
function(ablauf_write_pkgconfig component description requires libs)
  set(public_requires "ablauf-core")
  if(component STREQUAL "core")
    set(public_requires "")
  endif()
  file(GENERATE OUTPUT "${PROJECT_BINARY_DIR}/pkgconfig/ablauf-${component}.pc" CONTENT
"prefix=${CMAKE_INSTALL_PREFIX}
libdir=\${prefix}/${CMAKE_INSTALL_LIBDIR}
includedir=\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}

Name: ablauf-${component}
Description: ${description}
Version: ${PROJECT_VERSION}
Requires: ${public_requires}
Requires${private_suffix}: ${requires}
Cflags: -I\${includedir}
Libs: -L\${libdir} -lablauf_${component}
Libs${private_suffix}: ${libs}
")
  install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/ablauf-${component}.pc"
          DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
endfunction()

# Boost.JSON and tl-expected ship no pkg-config file; their headers are where Debian puts them.
ablauf_write_pkgconfig(core "ablauf: definitions, expressions, templates, engine, memory store"
                       "nettle, icu-i18n, icu-uc, libical" "-lboost_json -pthread")
set(everything "ablauf-core")
if(TARGET ablauf_sqlite)
  ablauf_write_pkgconfig(sqlite "ablauf: the embedded durable store, on SQLite" "sqlite3" "")
  string(APPEND everything ", ablauf-sqlite")
endif()
if(TARGET ablauf_postgres)
  ablauf_write_pkgconfig(postgres "ablauf: the store processes share, on PostgreSQL" "libpq" "")
  string(APPEND everything ", ablauf-postgres")
endif()
if(TARGET ablauf_print)
  # libharu ships no pkg-config file.
  ablauf_write_pkgconfig(print "ablauf: printable forms and timelines" "" "-lhpdf")
  string(APPEND everything ", ablauf-print")
endif()
if(TARGET ablauf_kpi)
  ablauf_write_pkgconfig(kpi "ablauf: key figures over instances" "" "")
  string(APPEND everything ", ablauf-kpi")
endif()
if(TARGET ablauf_ed25519)
  ablauf_write_pkgconfig(ed25519 "ablauf: Ed25519 signatures over histories" "libsodium" "")
endif()
if(TARGET ablauf_http)
  ablauf_write_pkgconfig(http "ablauf: the HTTP server" "ablauf-print, ablauf-kpi, libsodium"
                         "-pthread")
endif()
file(WRITE "${PROJECT_BINARY_DIR}/pkgconfig/ablauf.pc"
"Name: ablauf
Description: Embeddable C++20 workflow and checklist engine, every component but ed25519 and http
Version: ${PROJECT_VERSION}
Requires: ${everything}
")
install(FILES "${PROJECT_BINARY_DIR}/pkgconfig/ablauf.pc"
        DESTINATION "${CMAKE_INSTALL_LIBDIR}/pkgconfig")
