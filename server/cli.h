#pragma once

namespace dg {

// The command-line entry point: a table of subcommands (see cli.cc). Returns the exit code.
int RunCli(int argc, char** argv);

}  // namespace dg
