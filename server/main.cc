#include "server/cli.h"

int main(int argc, char** argv) { return dg::RunCli(argc, argv); }
