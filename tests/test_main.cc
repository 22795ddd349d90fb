#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include "ingest/search_tokenizer.h"

// Every database a test opens knows the search index's tokenizer, as in the program.
int main(int argc, char** argv) {
  dg::RegisterSearchTokenizer();
  return doctest::Context(argc, argv).run();
}
