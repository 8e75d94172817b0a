// Boost.JSON compiled from its source into the fuzz targets, so that the fuzzer sees (and
// instruments) its parser too; the prebuilt library would be opaque to it.
#include <boost/json/src.hpp>
