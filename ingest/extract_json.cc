// The `extract` JSON of DESIGN.md §4, written with RapidJSON.
#include <algorithm>
#include <cstring>

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "ingest/extract.h"

namespace dg {

namespace {

// Whether the JSON string of `s` is `s` between quotes: no byte below 0x20, no '"', no
// '\\' (the bytes RapidJSON's writer escapes; it passes UTF-8 through as it is).
bool PlainJsonString(const char* s, size_t n) {
  unsigned bad = 0;
  for (size_t i = 0; i < n; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    bad |= static_cast<unsigned>(c < 0x20) | static_cast<unsigned>(c == '"') | static_cast<unsigned>(c == '\\');
  }
  return bad == 0;
}

// RapidJSON's writer, with a string that needs no escaping (most titles, names, keys) copied
// whole: its own String looks at each byte in turn, a twentieth of `extract`. The bytes
// written are the same (a test compares them); RapidJSON's SSE2 path is not used for this
// (see docs/PERFORMANCE.md).
class Writer : public rapidjson::Writer<rapidjson::StringBuffer> {
 public:
  using Base = rapidjson::Writer<rapidjson::StringBuffer>;
  using Base::Base;
  bool String(const char* s, rapidjson::SizeType n) {
    if (!PlainJsonString(s, n)) return Base::String(s, n);
    Prefix(rapidjson::kStringType);
    char* out = os_->Push(n + 2);
    out[0] = '"';
    if (n > 0) std::memcpy(out + 1, s, n);
    out[n + 1] = '"';
    return EndValue(true);
  }
};

void Str(Writer& w, const char* key, const std::string& v, bool null_if_empty = true) {
  w.Key(key);
  if (v.empty() && null_if_empty) w.Null();
  else w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size()));
}

}  // namespace

std::string ExtractionToJson(const Extraction& e) {
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  Str(w, "file", e.article.file, false);
  Str(w, "published", e.article.published);
  Str(w, "title", e.article.title);
  Str(w, "source", e.article.site);
  Str(w, "author", e.article.author);
  w.Key("documents");
  w.StartArray();
  for (const auto& d : e.documents) {
    const DocumentKey& k = d.key;
    w.StartObject();
    Str(w, "key", k.ToString());
    Str(w, "family", k.family == Family::kState ? "state" : "party");
    Str(w, "type", k.type);
    Str(w, "number", k.number);
    Str(w, "suffix", k.suffix);
    if (k.family == Family::kState) Str(w, "year", k.year);
    Str(w, "plenum", k.plenum);
    Str(w, "term", k.term);
    Str(w, "issuer", d.issuer);
    Str(w, "jurisdiction", d.jurisdiction);
    Str(w, "date", d.date);
    Str(w, "title", d.title);
    w.Key("mentions");
    w.StartArray();
    for (const auto& m : d.mentions) {
      w.StartObject();
      w.Key("start");
      w.Uint(m.start);
      w.Key("end");
      w.Uint(m.end);
      Str(w, "text", m.text, false);
      Str(w, "kind", MentionKindName(m.kind));
      w.EndObject();
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  auto relation = [&](const Edge& r) {
    w.StartObject();
    Str(w, "from", r.from);
    Str(w, "rel", RelationName(r.rel));
    Str(w, "to", r.to);
    if (r.inferred) {
      w.Key("weight");
      w.Double(r.weight);
    }
    w.Key("evidence");
    w.StartObject();
    w.Key("start");
    w.Uint(r.evidence_start);
    w.Key("end");
    w.Uint(r.evidence_end);
    w.EndObject();
    w.EndObject();
  };
  w.Key("relations");
  w.StartArray();
  for (const auto& r : e.relations)
    if (!r.inferred) relation(r);
  w.EndArray();
  // Relations the text does not state but gives evidence for (a steering committee named
  // after a central document); only present when there are some.
  if (std::any_of(e.relations.begin(), e.relations.end(), [](const Edge& r) { return r.inferred; })) {
    w.Key("inferred");
    w.StartArray();
    for (const auto& r : e.relations)
      if (r.inferred) relation(r);
    w.EndArray();
  }
  w.Key("meetings");
  w.StartArray();
  for (const auto& m : e.meetings) {
    w.StartObject();
    Str(w, "unit", m.unit);
    Str(w, "unit_level", m.unit_level);
    Str(w, "province", m.province);
    Str(w, "kind", m.kind);
    w.Key("years");
    if (m.years) w.Int(*m.years);
    else w.Null();
    for (const auto* list : {&m.reviewed, &m.launched}) {
      w.Key(list == &m.reviewed ? "reviewed" : "launched");
      w.StartArray();
      for (const auto& k : *list) w.String(k.c_str(), static_cast<rapidjson::SizeType>(k.size()));
      w.EndArray();
    }
    Str(w, "under", m.held_under);
    Str(w, "date", m.date);
    w.Key("date_inferred");
    w.Bool(m.date_inferred);
    Str(w, "chair", m.chair);
    w.Key("awards");
    if (m.award_collectives || m.award_individuals) {
      w.StartObject();
      w.Key("collectives");
      w.Int(m.award_collectives.value_or(0));
      w.Key("individuals");
      w.Int(m.award_individuals.value_or(0));
      w.EndObject();
    } else {
      w.Null();
    }
    w.EndObject();
  }
  w.EndArray();
  w.Key("unresolved");
  w.StartArray();
  for (const auto& u : e.unresolved) {
    w.StartObject();
    w.Key("start");
    w.Uint(u.start);
    w.Key("end");
    w.Uint(u.end);
    Str(w, "text", u.text, false);
    Str(w, "reason", u.reason, false);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buf.GetString(), buf.GetSize());
}

}  // namespace dg
