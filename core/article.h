#pragma once

#include <cstdint>
#include <string>

namespace dg {

// One input article, as read, with the metadata found in it or given with it.
struct Article {
  int64_t id = 0;         // store id; 0 until stored
  std::string url;        // the url, or the file path for a file input
  std::string file;       // the file name without folders ("" for JSON Lines input)
  std::string text;       // the text as read (valid UTF-8)
  std::string title;
  std::string published;  // ISO date or empty
  std::string site;       // source site ("Thanhuytphcm.vn") or empty
  std::string author;
  std::string content_hash;  // hex SHA-256 (or similar) of text: duplicates are one article
};

}  // namespace dg
