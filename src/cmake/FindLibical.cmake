# Finds libical (Debian: libical-dev) and defines the imported target Libical::Libical, for its
# recurrence rules alone. libical's own CMake package also defines targets for its storage and
# vCard parts, whose dependencies (Berkeley DB, GLib) ablauf does not want. Installed beside
# ablauf's package for find_dependency, because a static ablauf::core links it into its users.
find_path(Libical_INCLUDE_DIR libical/icalrecur.h)
find_library(Libical_LIBRARY NAMES ical)
include(FindPackageHandleStandardArgs)
find_package_handle_standard_args(Libical REQUIRED_VARS Libical_LIBRARY Libical_INCLUDE_DIR)
if(Libical_FOUND AND NOT TARGET Libical::Libical)
  add_library(Libical::Libical UNKNOWN IMPORTED)
  set_target_properties(Libical::Libical PROPERTIES
    IMPORTED_LOCATION "${Libical_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${Libical_INCLUDE_DIR}")
endif()
mark_as_advanced(Libical_INCLUDE_DIR Libical_LIBRARY)
