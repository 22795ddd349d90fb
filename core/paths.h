#pragma once

#include <string>

namespace dg {

// The project folder holding `data/` (the catalogue) and `node_modules/` (the gazetteer):
// $DIRGRAPH_HOME when set, else the source folder the binary was built from.
std::string HomeDir();

}  // namespace dg
