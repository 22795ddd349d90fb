#include "server/cli.h"

#include <cstdio>

namespace dg {

int RunCli(int, char**) {
  std::puts("dirgraph");
  return 0;
}

}  // namespace dg
