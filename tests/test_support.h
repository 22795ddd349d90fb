// Helpers shared by the test suites.
#pragma once

#include <doctest/doctest.h>

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"

namespace dg::testing {

// The real gazetteer (npm packages) and catalogue (data/catalogue.tsv) with an Extractor
// over them, loaded once per test program. A failed load fails the calling test.
inline const Extractor& SharedExtractor() {
  struct Resources {
    std::unique_ptr<Gazetteer> gazetteer;
    std::unique_ptr<Catalogue> catalogue;
    std::unique_ptr<Extractor> extractor;
    Resources() {
      auto g = Gazetteer::Load();
      REQUIRE_MESSAGE(g.ok(), g.status().ToString());
      gazetteer = std::move(g).value();
      auto c = Catalogue::Load();
      REQUIRE_MESSAGE(c.ok(), c.status().ToString());
      catalogue = std::move(c).value();
      extractor = std::make_unique<Extractor>(gazetteer.get(), catalogue.get());
    }
  };
  static Resources r;
  return *r.extractor;
}

// A fresh folder under the system's temporary folder, removed with everything in it.
struct TempDir {
  std::filesystem::path path;
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "dirgraph-test-XXXXXX").string();
    REQUIRE(mkdtemp(tmpl.data()) != nullptr);
    path = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  // Writes `bytes` to `name` inside the folder (creating subfolders); returns its path.
  std::string Write(const std::string& name, const std::string& bytes) const {
    std::filesystem::path p = path / name;
    std::filesystem::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << bytes;
    return p.string();
  }
  std::string Db() const { return (path / "test.db").string(); }
  // The path of `name` inside the folder (nothing is created).
  std::string File(const std::string& name) const { return (path / name).string(); }
};

// The whole content of a file; empty when it cannot be read.
inline std::string Slurp(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

struct Run {
  int rc = -1;
  std::string out, err;
};

// Runs the dirgraph binary with `args`, stdin from /dev/null, and collects what it printed.
inline Run Dirgraph(const std::vector<std::string>& args) {
  TempDir io;
  const std::string out = (io.path / "out").string(), err = (io.path / "err").string();
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, 1, out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  posix_spawn_file_actions_addopen(&actions, 2, err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  std::vector<std::string> argv_s = {DIRGRAPH_BINARY};
  argv_s.insert(argv_s.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (auto& a : argv_s) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid = 0;
  int spawned = posix_spawn(&pid, DIRGRAPH_BINARY, &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  REQUIRE(spawned == 0);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  Run r;
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  r.out = Slurp(out);
  r.err = Slurp(err);
  return r;
}

}  // namespace dg::testing
