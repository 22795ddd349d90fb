// The command-line entry point: a table of subcommands {name, summary, function}
// (see cli.cc). `dirgraph help` prints the table; each command parses its own options
// and answers --help; an unknown command gets "did you mean".
#pragma once

#include <string>

namespace dg {

// Runs `dirgraph ARGS…` and returns the exit code (server/errors.h: 0 ok, 1 failure,
// 2 usage). Never throws.
int RunCli(int argc, char** argv);

// The command of the table closest to `name` by edit distance, or "" when none is close
// enough to suggest ("extrct" -> "extract").
std::string SuggestCommand(const std::string& name);

}  // namespace dg
