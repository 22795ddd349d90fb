// libFuzzer target: Extractor::Extract on arbitrary bytes, with the real gazetteer and
// catalogue (loaded once from dg::HomeDir(); set DIRGRAPH_HOME when running elsewhere).
// Extract must return, OK or with a Status that is not kInternal; on success
// ExtractionToJson must give JSON that RapidJSON parses, and every span it reports
// (mentions, unresolved references, relation evidence) must lie inside the input, a
// mention's or an unresolved reference's "text" being its bytes.
#include <rapidjson/document.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"

namespace {

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "extract_fuzzer: %s\n", what.c_str());
  std::abort();
}

struct Resources {
  std::unique_ptr<dg::Gazetteer> gazetteer;
  std::unique_ptr<dg::Catalogue> catalogue;
  std::unique_ptr<dg::Extractor> extractor;
  Resources() {
    auto g = dg::Gazetteer::Load();
    if (!g.ok()) Fail("gazetteer: " + g.status().ToString());
    gazetteer = std::move(g).value();
    auto c = dg::Catalogue::Load();
    if (!c.ok()) Fail("catalogue: " + c.status().ToString());
    catalogue = std::move(c).value();
    extractor = std::make_unique<dg::Extractor>(gazetteer.get(), catalogue.get());
  }
};

const dg::Extractor& X() {
  static Resources r;
  return *r.extractor;
}

// Checks that obj["start"], obj["end"] are a span of `input`; when `with_text`, that
// obj["text"] equals the bytes of that span.
void CheckSpan(const rapidjson::Value& obj, std::string_view input, const char* what,
               bool with_text) {
  if (!obj.IsObject() || !obj.HasMember("start") || !obj.HasMember("end") ||
      !obj["start"].IsUint() || !obj["end"].IsUint()) {
    Fail(std::string(what) + ": no start/end");
  }
  const unsigned start = obj["start"].GetUint(), end = obj["end"].GetUint();
  if (start > end || end > input.size()) {
    Fail(std::string(what) + ": span [" + std::to_string(start) + "," + std::to_string(end) +
         ") outside an input of " + std::to_string(input.size()) + " bytes");
  }
  if (!with_text) return;
  if (!obj.HasMember("text") || !obj["text"].IsString()) Fail(std::string(what) + ": no text");
  std::string_view text(obj["text"].GetString(), obj["text"].GetStringLength());
  if (text != input.substr(start, end - start)) {
    Fail(std::string(what) + ": text \"" + std::string(text) + "\" is not the bytes of [" +
         std::to_string(start) + "," + std::to_string(end) + ")");
  }
}

void CheckJson(const std::string& json, std::string_view input) {
  rapidjson::Document d;
  d.Parse<rapidjson::kParseValidateEncodingFlag>(json.data(), json.size());
  if (d.HasParseError()) {
    Fail("ExtractionToJson gave JSON that does not parse at offset " +
         std::to_string(d.GetErrorOffset()));
  }
  if (!d.IsObject() || !d.HasMember("documents") || !d["documents"].IsArray()) {
    Fail("no \"documents\" array");
  }
  for (const auto& doc : d["documents"].GetArray()) {
    if (!doc.IsObject() || !doc.HasMember("mentions") || !doc["mentions"].IsArray()) {
      Fail("a document without \"mentions\"");
    }
    for (const auto& m : doc["mentions"].GetArray()) CheckSpan(m, input, "mention", true);
  }
  if (d.HasMember("unresolved") && d["unresolved"].IsArray()) {
    for (const auto& u : d["unresolved"].GetArray()) CheckSpan(u, input, "unresolved", true);
  }
  if (d.HasMember("relations") && d["relations"].IsArray()) {
    for (const auto& r : d["relations"].GetArray()) {
      if (!r.IsObject() || !r.HasMember("evidence")) Fail("a relation without evidence");
      CheckSpan(r["evidence"], input, "relation evidence", false);
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  dg::ArticleHints hints;
  hints.file = "fuzz.txt";
  auto e = X().Extract(input, hints);
  if (!e.ok()) {
    // Bad input is kInvalidArgument; kInternal means Extract caught a bug of its own.
    if (e.status().code() == dg::Code::kInternal || e.status().message().empty()) {
      Fail(e.status().ToString());
    }
    return 0;
  }
  CheckJson(dg::ExtractionToJson(*e), input);
  return 0;
}
