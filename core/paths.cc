#include "core/paths.h"

#include <cstdlib>

namespace dg {

std::string HomeDir() {
  if (const char* env = std::getenv("DIRGRAPH_HOME"); env != nullptr && *env != '\0') return env;
  return DIRGRAPH_SOURCE_DIR;
}

}  // namespace dg
