// The corpus generator of bench/: deterministic by seed, articles of real size, gold that
// parses and whose every surface occurs in its article.
#include <doctest/doctest.h>
#include <rapidjson/document.h>

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "bench/gen_lib.h"
#include "ingest/catalogue.h"
#include "ingest/gazetteer.h"

namespace {

struct Data {
  std::unique_ptr<dg::Gazetteer> gaz;
  std::unique_ptr<dg::Catalogue> cat;
  std::unique_ptr<dg::gen::Generator> gen;
};

const Data& Loaded() {
  static const Data data = [] {
    Data d;
    auto g = dg::Gazetteer::Load();
    if (!g.ok()) FAIL(g.status().ToString());
    auto c = dg::Catalogue::Load();
    if (!c.ok()) FAIL(c.status().ToString());
    d.gaz = std::move(g).value();
    d.cat = std::move(c).value();
    d.gen = std::make_unique<dg::gen::Generator>(*d.gaz, *d.cat);
    return d;
  }();
  return data;
}

constexpr uint64_t kArticles = 300;

}  // namespace

TEST_CASE("gen: the same seed gives the same bytes, another seed other bytes") {
  const auto& gen = *Loaded().gen;
  int differ = 0;
  for (uint64_t i = 0; i < kArticles; ++i) {
    CAPTURE(i);
    dg::gen::Article a = gen.Make(7, i), b = gen.Make(7, i), c = gen.Make(8, i);
    CHECK(a.text == b.text);
    CHECK(a.gold == b.gold);
    CHECK(a.name == dg::gen::ArticleName(i));
    differ += a.text != c.text;
  }
  CHECK(differ == static_cast<int>(kArticles));
}

TEST_CASE("gen: articles are 3-10 KB, like the real ones") {
  const auto& gen = *Loaded().gen;
  for (uint64_t i = 0; i < kArticles; ++i) {
    CAPTURE(i);
    dg::gen::Article a = gen.Make(11, i);
    CHECK(a.text.size() >= 3000);
    CHECK(a.text.size() <= 10000);
  }
}

TEST_CASE("gen: the gold parses, names its file, and every surface occurs in the text") {
  const auto& gen = *Loaded().gen;
  for (uint64_t i = 0; i < kArticles; ++i) {
    CAPTURE(i);
    dg::gen::Article a = gen.Make(3, i);
    rapidjson::Document d;
    d.Parse(a.gold.c_str(), a.gold.size());
    REQUIRE_FALSE(d.HasParseError());
    REQUIRE(d.IsObject());
    CHECK(std::string(d["file"].GetString()) == a.name);
    CHECK(a.url.substr(a.url.rfind('/') + 1) == a.name);
    REQUIRE(d["documents"].IsArray());
    CHECK(d["documents"].Size() >= 1);
    std::set<std::string> refs;
    for (const auto& doc : d["documents"].GetArray()) {
      std::string ref = doc["number"].IsNull()
                            ? std::string("TW") + doc["plenum"].GetString() + "-" +
                                  doc["term"].GetString() + "/NQ/TW"
                            : std::string(doc["number"].GetString()) + "/" +
                                  doc["type"].GetString() + "/" + doc["suffix"].GetString();
      refs.insert(ref);
      REQUIRE(doc["surface"].IsArray());
      CHECK(doc["surface"].Size() >= 1);
      for (const auto& s : doc["surface"].GetArray()) {
        CAPTURE(s.GetString());
        CHECK(a.text.find(s.GetString()) != std::string::npos);
      }
    }
    for (const auto& r : d["relations"].GetArray()) {
      CHECK(refs.count(r["from"].GetString()) == 1);
      CHECK(refs.count(r["to"].GetString()) == 1);
      CHECK(a.text.find(r["evidence"].GetString()) != std::string::npos);
    }
    REQUIRE(d["meetings"].Size() == 1);
    const auto& m = d["meetings"][0];
    CHECK(a.text.find(m["chair"].GetString()) != std::string::npos);
    for (const char* field : {"reviewed", "launched"})
      for (const auto& r : m[field].GetArray()) CHECK(refs.count(r.GetString()) == 1);
    CHECK(m["reviewed"].Size() + m["launched"].Size() >= 1);
  }
}
