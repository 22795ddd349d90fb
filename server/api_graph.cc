#include "server/api_graph.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <sstream>
#include <string_view>

namespace dg::api {
namespace {

using Writer = rapidjson::Writer<rapidjson::StringBuffer>;

void Str(Writer& w, std::string_view k, std::string_view v) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
  w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
}
void Opt(Writer& w, std::string_view k, std::string_view v) {
  if (v.empty()) {
    w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
    w.Null();
  } else {
    Str(w, k, v);
  }
}

void WriteDocument(Writer& w, const Node& n) {
  const DocumentNode& d = n.document();
  w.StartObject();
  Str(w, "id", KeySlug(d.key_text));
  Str(w, "key", d.key_text);
  Str(w, "code", d.key.Code());
  Opt(w, "title", d.title);
  Opt(w, "date", d.date);
  Opt(w, "jurisdiction", d.jurisdiction);
  w.EndObject();
}

std::string Serialize(const rapidjson::StringBuffer& b) { return std::string(b.GetString(), b.GetSize()); }

const char* DirectionName(Direction d) {
  switch (d) {
    case Direction::kUp: return "up";
    case Direction::kDown: return "down";
    case Direction::kBoth: return "both";
  }
  return "both";
}

}  // namespace

Result<std::string> LineageJson(const Graph& g, VertexId document, const LineageOptions& options) {
  auto lineage = g.GetLineage(document, options);
  if (!lineage.ok()) return lineage.status();
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("document");
  WriteDocument(w, g.node(document));
  Str(w, "direction", DirectionName(options.direction));
  w.Key("depth");
  w.Int(options.depth);
  w.Key("inferred");
  w.Bool(options.inferred);
  for (Direction dir : {Direction::kUp, Direction::kDown}) {
    w.Key(DirectionName(dir));
    w.StartArray();
    for (const LineageEntry& e : lineage->entries) {
      if (e.direction != dir) continue;
      w.StartObject();
      w.Key("document");
      WriteDocument(w, g.node(e.document));
      w.Key("depth");
      w.Int(e.depth);
      w.Key("path");
      w.StartArray();
      for (VertexId v : e.path) {
        const std::string slug = KeySlug(g.node(v).id);
        w.String(slug.data(), static_cast<rapidjson::SizeType>(slug.size()));
      }
      w.EndArray();
      w.Key("steps");
      w.StartArray();
      for (const Evidence& s : e.steps) {
        w.StartObject();
        Str(w, "rel", EdgeKindName(s.kind));
        w.Key("inferred");
        w.Bool(s.inferred);
        w.Key("weight");
        w.Double(s.weight);
        Opt(w, "why", s.why);
        w.Key("article");
        if (s.article_id == 0) {
          w.Null();
        } else {
          w.Int64(s.article_id);
        }
        Opt(w, "url", s.url);
        w.Key("start");
        w.Uint(s.start);
        w.Key("end");
        w.Uint(s.end);
        Opt(w, "sentence", s.sentence);
        w.EndObject();
      }
      w.EndArray();
      w.EndObject();
    }
    w.EndArray();
  }
  w.Key("cycles");
  w.StartArray();
  for (const std::string& c : lineage->cycles) w.String(c.data(), static_cast<rapidjson::SizeType>(c.size()));
  w.EndArray();
  w.EndObject();
  return Serialize(buf);
}

Result<std::string> ReviewsJson(const Graph& g, VertexId document, const ReviewFilter& f) {
  auto rows = g.Reviews(document, f.from, f.to);
  if (!rows.ok()) return rows.status();
  std::vector<const ReviewRow*> kept;
  for (const ReviewRow& r : rows.value()) {
    const MeetingNode& m = g.node(r.meeting).meeting();
    std::string level = m.unit_level, province = m.province;
    if (r.unit) {
      const UnitNode& u = g.node(*r.unit).unit();
      if (!u.level.empty()) level = u.level;
      if (!u.province.empty()) province = u.province;
    }
    if (!f.level.empty() && level != f.level) continue;
    if (!f.province.empty() && province.find(f.province) == std::string::npos) continue;
    kept.push_back(&r);
  }
  rapidjson::StringBuffer buf;
  Writer w(buf);
  w.StartObject();
  w.Key("document");
  WriteDocument(w, g.node(document));
  w.Key("items");
  w.StartArray();
  const size_t first = static_cast<size_t>(std::min<int64_t>(f.page.after, static_cast<int64_t>(kept.size())));
  const size_t last = std::min(kept.size(), first + static_cast<size_t>(f.page.limit));
  for (size_t i = first; i < last; ++i) {
    const ReviewRow& r = *kept[i];
    const MeetingNode& m = g.node(r.meeting).meeting();
    w.StartObject();
    w.Key("meeting");
    w.StartObject();
    w.Key("id");
    w.Int64(m.row_id);
    Opt(w, "kind", m.kind);
    Opt(w, "date", m.date);
    w.Key("date_inferred");
    w.Bool(m.date_inferred);
    w.Key("years");
    if (m.years) {
      w.Int(*m.years);
    } else {
      w.Null();
    }
    Opt(w, "chair", m.chair);
    w.Key("article");
    w.Int64(m.article_id);
    w.EndObject();
    w.Key("unit");
    w.StartObject();
    w.Key("id");
    if (r.unit) {
      w.Int64(g.node(*r.unit).unit().row_id);
    } else {
      w.Null();
    }
    Str(w, "name", r.unit ? g.node(*r.unit).unit().name : m.unit);
    Opt(w, "level", r.unit && !g.node(*r.unit).unit().level.empty() ? g.node(*r.unit).unit().level : m.unit_level);
    Opt(w, "province", r.unit && !g.node(*r.unit).unit().province.empty() ? g.node(*r.unit).unit().province : m.province);
    w.EndObject();
    Str(w, "role", r.role);
    w.Key("document");
    WriteDocument(w, g.node(r.document));
    w.Key("direct");
    w.Bool(r.direct());
    w.Key("path");
    w.StartArray();
    for (VertexId v : r.path) {
      const std::string slug = KeySlug(g.node(v).id);
      w.String(slug.data(), static_cast<rapidjson::SizeType>(slug.size()));
    }
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.Key("total");
  w.Uint64(kept.size());
  w.Key("next_cursor");
  if (last < kept.size()) {
    const std::string next = std::to_string(last);
    w.String(next.data(), static_cast<rapidjson::SizeType>(next.size()));
  } else {
    w.Null();
  }
  w.EndObject();
  return Serialize(buf);
}

Result<std::string> ExportText(const Graph& g, ExportFormat format, const ExportOptions& options) {
  auto eg = MakeExportGraph(g, options);
  if (!eg.ok()) return eg.status();
  std::ostringstream out;
  Status s;
  switch (format) {
    case ExportFormat::kGexf: s = WriteGexf(eg.value(), out); break;
    case ExportFormat::kGraphml: s = WriteGraphml(eg.value(), out); break;
    case ExportFormat::kJson: s = WriteJson(eg.value(), out); break;
    case ExportFormat::kCsv: return Status::Unsupported("CSV is exported by 'dirgraph export' only");
  }
  if (!s.ok()) return s;
  return out.str();
}

}  // namespace dg::api
