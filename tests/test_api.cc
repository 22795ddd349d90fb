// The REST API end to end: a real SQLite file filled by extracting and storing two
// articles written here, served in-process on an ephemeral loopback port, one request per
// case (a few cases follow a cursor or write then read). Hostile cases included.
#include <doctest/doctest.h>
#include <httplib.h>
#include <rapidjson/document.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "core/store.h"
#include "core/utf8.h"
#include "ingest/catalogue.h"
#include "ingest/extract.h"
#include "ingest/gazetteer.h"
#include "server/api.h"
#include "server/http.h"
#include "tests/test_support.h"

namespace {
namespace fs = std::filesystem;

// A district committee reviews a Politburo resolution and its own plan implementing it.
constexpr const char* kArticleChoGao = R"(CỔNG THÔNG TIN ĐIỆN TỬ HUYỆN ỦY CHỢ GẠO
Thứ Năm, 16/11/2023

Huyện ủy Chợ Gạo sơ kết 5 năm thực hiện Nghị quyết 35-NQ/TW

Chiều 15/11, Huyện ủy Chợ Gạo tổ chức hội nghị sơ kết 5 năm thực hiện Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị về tăng cường bảo vệ nền tảng tư tưởng của Đảng, đấu tranh phản bác các quan điểm sai trái, thù địch trong tình hình mới và Kế hoạch số 52-KH/HU ngày 15/01/2019 của Ban Thường vụ Huyện ủy thực hiện Nghị quyết 35-NQ/TW. Đồng chí Nguyễn Văn Khang, Bí thư Huyện ủy chủ trì hội nghị.

Theo báo cáo, Đảng bộ huyện đã quán triệt NQ35 đến 100% chi bộ. Dịp này, Huyện ủy khen thưởng 12 tập thể và 20 cá nhân.
)";

// An urban district's final review of a directive.
constexpr const char* kArticleBinhTan = R"(TRANG TIN ĐIỆN TỬ ĐẢNG BỘ QUẬN BÌNH TÂN
Thứ Sáu, 08/12/2023

Quận ủy Bình Tân tổng kết Chỉ thị 05-CT/TW

Sáng 07/12, Quận ủy Bình Tân tổ chức hội nghị tổng kết 7 năm thực hiện Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh. Đồng chí Lê Văn Thinh, Bí thư Quận ủy chủ trì hội nghị.
)";

constexpr const char* kNq35 = "35-NQ~TW@TW!XII";  // the slug of 35-NQ/TW@TW#XII
constexpr const char* kToken = "s3cret-token";

// The gazetteer, catalogue and extractor, loaded once for the whole suite.
struct Extraction {
  std::unique_ptr<dg::Gazetteer> gazetteer;
  std::unique_ptr<dg::Catalogue> catalogue;
  std::unique_ptr<dg::Extractor> extractor;
  Extraction() {
    auto g = dg::Gazetteer::Load();
    if (g.ok()) gazetteer = std::move(g).value();
    auto c = dg::Catalogue::Load();
    if (c.ok()) catalogue = std::move(c).value();
    extractor = std::make_unique<dg::Extractor>(gazetteer.get(), catalogue.get());
  }
};
Extraction& Shared() {
  static Extraction e;
  return e;
}

fs::path TempDir() {
  std::string tmpl = (fs::temp_directory_path() / "dirgraph-api-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  return tmpl;
}

// Writes the two articles, extracted, to a new database at `db`.
void WriteArticles(const std::string& db) {
  auto writable = dg::Store::Open(db);
  REQUIRE(writable.ok());
  auto batch = writable.value()->Begin();
  REQUIRE(batch.ok());
  int n = 0;
  for (const char* text : {kArticleChoGao, kArticleBinhTan}) {
    dg::ArticleHints hints;
    hints.url = "https://example.vn/" + std::to_string(++n);
    auto e = Shared().extractor->Extract(text, hints);
    REQUIRE(e.ok());
    REQUIRE(batch->PutArticle(e.value()).ok());
  }
  REQUIRE(batch->Commit().ok());
}

// A database of the two articles, served on 127.0.0.1:<ephemeral>; its own copy per case.
struct ApiFixture {
  fs::path dir;
  std::unique_ptr<dg::Store> store;
  std::unique_ptr<dg::HttpServer> server;
  std::unique_ptr<httplib::Client> client;

  explicit ApiFixture(std::string token = "") {
    dir = TempDir();
    const std::string db = (dir / "api.db").string();
    WriteArticles(db);
    auto opened = dg::Store::Open(db, /*read_only=*/true);
    REQUIRE(opened.ok());
    store = std::move(opened).value();
    dg::HttpServer::Options options;
    options.quiet = true;
    options.threads = 8;
    options.extractor = Shared().extractor.get();
    options.write_token = std::move(token);
    server = std::make_unique<dg::HttpServer>(store.get(), options);
    REQUIRE(server->Start("127.0.0.1", 0).ok());
    client = std::make_unique<httplib::Client>("127.0.0.1", server->port());
    client->set_connection_timeout(5, 0);
    client->set_read_timeout(10, 0);
  }
  ~ApiFixture() {
    client.reset();
    server.reset();
    store.reset();
    std::error_code ec;
    fs::remove_all(dir, ec);
  }

  // GET `path`, expecting `status`; returns the parsed JSON body.
  rapidjson::Document Get(const std::string& path, int status = 200) {
    auto res = client->Get(path.c_str());
    REQUIRE(res);
    CAPTURE(path);
    CAPTURE(res->body.substr(0, 400));
    CHECK(res->status == status);
    CHECK(res->get_header_value("Content-Type") == "application/json");
    rapidjson::Document d;
    d.Parse(res->body.c_str());
    REQUIRE(!d.HasParseError());
    return d;
  }
};

struct WritableFixture : ApiFixture {
  WritableFixture() : ApiFixture(kToken) {}
};

std::string Text(const rapidjson::Value& v) { return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : ""; }

// {"error":{"code":…,"message":…}} with the given code; returns the message.
std::string ErrorOf(const rapidjson::Document& d, const std::string& code) {
  REQUIRE(d.IsObject());
  REQUIRE(d.HasMember("error"));
  const auto& e = d["error"];
  REQUIRE(e.IsObject());
  REQUIRE(e.HasMember("code"));
  REQUIRE(e.HasMember("message"));
  CHECK(Text(e["code"]) == code);
  CHECK(e["message"].GetStringLength() > 0);
  return Text(e["message"]);
}

std::string BodyErrorCode(const std::string& body) {
  rapidjson::Document d;
  d.Parse(body.c_str());
  if (d.HasParseError() || !d.IsObject() || !d.HasMember("error")) return "";
  return Text(d["error"]["code"]);
}

}  // namespace

// ---- helpers ----

TEST_CASE("slugs round-trip every key form") {
  for (const char* key : {"35-NQ/TW@TW#XII", "2-ĐA/TU@ho-chi-minh", "120/KH-UBND@?",
                          "15/2020/NĐ-CP@VN", "TW4-NQ/TW@TW#XII", "138-KH/QU@quan-1.ho-chi-minh"}) {
    CAPTURE(key);
    const std::string slug = dg::api::KeySlug(key);
    CHECK(slug.find_first_of("/#?") == std::string::npos);
    CHECK(dg::api::KeyFromSlug(slug) == key);
  }
  CHECK(dg::api::KeySlug("35-NQ/TW@TW#XII") == "35-NQ~TW@TW!XII");
  CHECK(dg::api::KeySlug("120/KH-UBND@?") == "120~KH-UBND@_");
}

TEST_CASE("search expressions: every word required, quoted, đ and d both ways") {
  using dg::api::SearchExpression;
  CHECK(SearchExpression("nghi quyet 35") == R"("nghi" AND "quyet" AND "35")");
  CHECK(SearchExpression("dang") == R"(("dang" OR "đang"))");
  CHECK(SearchExpression("Đảng") == "(\"d\xE1\xBA\xA3ng\" OR \"đảng\")");
  CHECK(SearchExpression("\" OR x NEAR(") == R"("OR" AND "x" AND "NEAR")");  // quotes: no syntax
  CHECK(SearchExpression("!!! ---").empty());
}

TEST_CASE("snippets cut at characters and lines") {
  const std::string text = "dòng một\nĐảng bộ huyện Chợ Gạo quán triệt NQ35 đến chi bộ\nkết";
  const size_t start = text.find("NQ35");
  const std::string s = dg::api::Snippet(text, start, start + 4, 10);
  CHECK(s.find("NQ35") != std::string::npos);
  CHECK(s.find('\n') == std::string::npos);
  CHECK(dg::ValidUtf8(s));
  for (size_t ctx = 0; ctx < 20; ++ctx) CHECK(dg::ValidUtf8(dg::api::Snippet(text, start, start + 4, ctx)));
  // The text given may itself be a window cut in bytes, ending inside a character.
  for (size_t cut = start + 4; cut <= text.size(); ++cut) {
    CAPTURE(cut);
    const std::string piece = dg::api::Snippet(std::string_view(text).substr(0, cut), start, start + 4, 40);
    CHECK(dg::ValidUtf8(piece));
    CHECK(piece.find("NQ35") != std::string::npos);
  }
}

TEST_CASE("UTF-8: the fast check and the one that finds the offset agree, at every length") {
  // Long strings go through the vector loop, short ones and tails through the scalar one:
  // a bad byte is put at each position of texts of several lengths.
  const std::string word = "Nghị quyết 35-NQ/TW của Bộ Chính trị; ";
  std::string text;
  while (text.size() < 300) text += word;
  for (const char* bad : {"\xFF", "\xC4", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\x80"}) {
    for (size_t len : {1u, 15u, 63u, 64u, 65u, 200u, 300u}) {
      for (size_t at = 0; at <= len; at += 7) {
        std::string s = text.substr(0, len);
        // Not inside a character: after the last complete one before `at`.
        size_t cut = std::min(at, s.size());
        while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
        s.insert(cut, bad);
        CAPTURE(len);
        CAPTURE(cut);
        CHECK_FALSE(dg::ValidUtf8(s));
        CHECK(dg::FirstInvalidUtf8(s) == cut);
      }
      size_t end = len;  // a prefix that ends between two characters
      while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
      CHECK(dg::ValidUtf8(text.substr(0, end)));
      CHECK(dg::FirstInvalidUtf8(text.substr(0, end)) == std::string_view::npos);
    }
  }
}

TEST_CASE("UTF-8 and date parameters are checked") {
  CHECK(dg::ValidUtf8("Nghị quyết"));
  CHECK_FALSE(dg::ValidUtf8("\xFF"));
  CHECK_FALSE(dg::ValidUtf8("\xC4"));          // cut short
  CHECK_FALSE(dg::ValidUtf8("\xC0\xAF"));      // overlong '/'
  CHECK_FALSE(dg::ValidUtf8("\xED\xA0\x80"));  // a surrogate
  CHECK_FALSE(dg::ValidUtf8("\xF4\x90\x80\x80"));  // past U+10FFFF
  CHECK_FALSE(dg::ValidUtf8("ab\x80"));  // a continuation byte alone
  CHECK(dg::ValidUtf8("\xF0\x9F\x93\x9C"));  // outside the BMP
  CHECK(dg::ValidUtf8(""));
  CHECK(dg::FirstInvalidUtf8("Nghị quyết") == std::string_view::npos);
  CHECK(dg::FirstInvalidUtf8("ab\x80") == 2);
  CHECK(dg::FirstInvalidUtf8("Nghị\xED\xA0\x80") == 6);
  CHECK(dg::api::ValidDateParam("2019"));
  CHECK(dg::api::ValidDateParam("2019-05"));
  CHECK(dg::api::ValidDateParam("2019-05-31"));
  CHECK_FALSE(dg::api::ValidDateParam("2019-5"));
  CHECK_FALSE(dg::api::ValidDateParam("yesterday"));
}

// ---- reads ----

TEST_CASE_FIXTURE(ApiFixture, "GET /api/v1/healthz answers ok") {
  auto d = Get("/api/v1/healthz");
  CHECK(Text(d["status"]) == "ok");
}

TEST_CASE_FIXTURE(ApiFixture, "documents: a list with its total") {
  auto d = Get("/api/v1/documents");
  CHECK(d["total"].GetInt64() == 3);
  CHECK(d["items"].Size() == 3);
  CHECK(d["next_cursor"].IsNull());
  std::set<std::string> ids;
  for (const auto& item : d["items"].GetArray()) ids.insert(Text(item["id"]));
  CHECK(ids.count(kNq35) == 1);
  CHECK(ids.count("52-KH~HU@cho-gao.tien-giang") == 1);
}

TEST_CASE_FIXTURE(ApiFixture, "documents: a cursor walks the pages") {
  auto first = Get("/api/v1/documents?limit=2");
  CHECK(first["items"].Size() == 2);
  CHECK(first["total"].GetInt64() == 3);
  REQUIRE(first["next_cursor"].IsString());
  auto second = Get("/api/v1/documents?limit=2&cursor=" + Text(first["next_cursor"]));
  CHECK(second["items"].Size() == 1);
  CHECK(second["next_cursor"].IsNull());
  CHECK(Text(second["items"][0]["id"]) != Text(first["items"][0]["id"]));
  CHECK(Text(second["items"][0]["id"]) != Text(first["items"][1]["id"]));
}

TEST_CASE_FIXTURE(ApiFixture, "documents: filters by type, suffix and date") {
  auto d = Get("/api/v1/documents?type=KH&suffix=HU&from=2019&to=2019-01");
  CHECK(d["total"].GetInt64() == 1);
  REQUIRE(d["items"].Size() == 1);
  CHECK(Text(d["items"][0]["code"]) == "52-KH/HU");
}

TEST_CASE_FIXTURE(ApiFixture, "documents: a page larger than 200 is a 400") {
  ErrorOf(Get("/api/v1/documents?limit=201", 400), "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "documents: a cursor that is not one is a 400") {
  ErrorOf(Get("/api/v1/documents?cursor=abc", 400), "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "documents: a bad date is a 400") {
  ErrorOf(Get("/api/v1/documents?from=2019-13-45x", 400), "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "documents: an unknown parameter is a 400 naming the accepted ones") {
  auto m = ErrorOf(Get("/api/v1/documents?tpye=NQ", 400), "invalid_argument");
  CHECK(m.find("type") != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "a document by slug: aliases, mentions with snippets, edges") {
  auto d = Get(std::string("/api/v1/documents/") + kNq35);
  CHECK(Text(d["key"]) == "35-NQ/TW@TW#XII");
  CHECK(Text(d["code"]) == "35-NQ/TW");
  CHECK(Text(d["date"]) == "2018-10-22");
  CHECK(d["aliases"].Size() >= 2);
  REQUIRE(d["mentions"].Size() >= 2);
  for (const auto& m : d["mentions"].GetArray()) {
    CHECK(Text(m["snippet"]).find(Text(m["text"])) != std::string::npos);
    CHECK(m["article"]["id"].IsInt64());
  }
  REQUIRE(d["edges"].Size() == 1);
  CHECK(Text(d["edges"][0]["rel"]) == "implements");
  CHECK(Text(d["edges"][0]["from"]["id"]) == "52-KH~HU@cho-gao.tien-giang");
  CHECK(Text(d["edges"][0]["evidence"]["text"]).find("52-KH/HU") != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "a document by its URL-encoded key") {
  auto d = Get("/api/v1/documents/35-NQ%2FTW%40TW%23XII");
  CHECK(Text(d["id"]) == kNq35);
}

TEST_CASE_FIXTURE(ApiFixture, "a document by its numeric id") {
  auto d = Get("/api/v1/documents/1");
  CHECK(d["id"].IsString());
}

TEST_CASE_FIXTURE(ApiFixture, "an unknown document is a 404 with suggestions") {
  auto m = ErrorOf(Get("/api/v1/documents/35-NQ~TW@TW!XIII", 404), "not_found");
  CHECK(m.find("did you mean") != std::string::npos);
  CHECK(m.find(kNq35) != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "an id climbing out of the root is an unknown document") {
  auto res = client->Get("/api/v1/documents/..%2F..%2F..%2Fetc%2Fpasswd");
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(res->body.find("root:") == std::string::npos);
  CHECK(BodyErrorCode(res->body) == "not_found");
}

TEST_CASE_FIXTURE(ApiFixture, "bad UTF-8 in a path id is a 400") {
  ErrorOf(Get("/api/v1/documents/%FF%FE", 400), "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "lineage down from a resolution reaches the plan implementing it") {
  auto d = Get(std::string("/api/v1/documents/") + kNq35 + "/lineage?direction=down");
  CHECK(Text(d["document"]["id"]) == kNq35);
  CHECK(d["up"].IsNull());  // not asked
  REQUIRE(d["down"]["items"].Size() == 1);
  CHECK(d["down"]["total"].GetInt() == 1);
  CHECK(d["down"]["next_cursor"].IsNull());
  const auto& e = d["down"]["items"][0];
  CHECK(Text(e["document"]["code"]) == "52-KH/HU");
  CHECK(e["depth"].GetInt() == 1);
  REQUIRE(e["steps"].Size() == 1);
  CHECK(Text(e["steps"][0]["rel"]) == "implements");
  CHECK(Text(e["steps"][0]["sentence"]).find("52-KH/HU") != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "lineage up from the plan reaches the resolution") {
  auto d = Get("/api/v1/documents/52-KH~HU@cho-gao.tien-giang/lineage?direction=up&depth=3");
  REQUIRE(d["up"]["items"].Size() == 1);
  CHECK(Text(d["up"]["items"][0]["document"]["id"]) == kNq35);
  CHECK(d["down"].IsNull());
}

TEST_CASE_FIXTURE(ApiFixture, "lineage with a bad direction is a 400") {
  ErrorOf(Get(std::string("/api/v1/documents/") + kNq35 + "/lineage?direction=sideways", 400),
          "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "lineage of an unknown document is a 404") {
  ErrorOf(Get("/api/v1/documents/999-NQ~TW@TW!XII/lineage", 404), "not_found");
}

TEST_CASE_FIXTURE(ApiFixture, "reviews: the district's meeting, with unit and kind") {
  auto d = Get(std::string("/api/v1/documents/") + kNq35 + "/reviews?from=2023&to=2023-12");
  CHECK(d["total"].GetInt64() >= 1);
  REQUIRE(d["items"].Size() >= 1);
  const auto& r = d["items"][0];
  CHECK(Text(r["meeting"]["kind"]) == "sơ kết");
  CHECK(Text(r["meeting"]["date"]) == "2023-11-15");
  CHECK(Text(r["unit"]["name"]).find("Chợ Gạo") != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "reviews filtered to another province are none") {
  auto d = Get(std::string("/api/v1/documents/") + kNq35 + "/reviews?province=H%C3%A0%20N%E1%BB%99i");
  CHECK(d["total"].GetInt64() == 0);
}

TEST_CASE_FIXTURE(ApiFixture, "units: the two holders") {
  auto d = Get("/api/v1/units?q=%E1%BB%A7y");  // "ủy"
  CHECK(d["total"].GetInt64() == 2);
}

TEST_CASE_FIXTURE(ApiFixture, "a unit by id") {
  auto d = Get("/api/v1/units/1");
  CHECK(d["id"].GetInt64() == 1);
  CHECK(d["name"].IsString());
}

TEST_CASE_FIXTURE(ApiFixture, "a unit's meetings") {
  auto units = Get("/api/v1/units?q=Ch%E1%BB%A3%20G%E1%BA%A1o");  // "Chợ Gạo"
  REQUIRE(units["items"].Size() == 1);
  const std::string id = std::to_string(units["items"][0]["id"].GetInt64());
  auto d = Get("/api/v1/units/" + id + "/meetings");
  CHECK(d["total"].GetInt64() == 1);
  CHECK(Text(d["items"][0]["kind"]) == "sơ kết");
}

TEST_CASE_FIXTURE(ApiFixture, "an unknown unit is a 404, a unit id that is no number a 400") {
  ErrorOf(Get("/api/v1/units/9999", 404), "not_found");
  ErrorOf(Get("/api/v1/units/abc", 400), "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "meetings that reviewed a document") {
  auto d = Get(std::string("/api/v1/meetings?document=") + kNq35);
  CHECK(d["total"].GetInt64() == 1);
  REQUIRE(d["items"].Size() == 1);
  const auto& m = d["items"][0];
  CHECK(m["awards"]["collectives"].GetInt() == 12);
  CHECK(m["years"].GetInt() == 5);
  CHECK(m["reviewed"].Size() == 2);
}

TEST_CASE_FIXTURE(ApiFixture, "meetings by kind") {
  auto d = Get("/api/v1/meetings?kind=t%E1%BB%95ng%20k%E1%BA%BFt");  // "tổng kết"
  CHECK(d["total"].GetInt64() == 1);
}

TEST_CASE_FIXTURE(ApiFixture, "a meeting by id; an unknown one is a 404") {
  auto d = Get("/api/v1/meetings/1");
  CHECK(d["id"].GetInt64() == 1);
  ErrorOf(Get("/api/v1/meetings/77", 404), "not_found");
}

TEST_CASE_FIXTURE(ApiFixture, "an article: its text and the spans of its mentions") {
  auto d = Get("/api/v1/articles/1");
  const std::string text = Text(d["text"]);
  CHECK(text == kArticleChoGao);
  REQUIRE(d["mentions"].Size() >= 3);
  for (const auto& m : d["mentions"].GetArray()) {
    const auto start = m["start"].GetUint64(), end = m["end"].GetUint64();
    CHECK(text.substr(start, end - start) == Text(m["text"]));
  }
  CHECK(d["relations"].Size() == 1);
  CHECK(d["meetings"].Size() == 1);
}

TEST_CASE_FIXTURE(ApiFixture, "search ignores diacritics: nghi quyet 35") {
  auto d = Get("/api/v1/search?q=nghi%20quyet%2035");
  CHECK(d["total"].GetInt64() == 1);
  REQUIRE(d["items"].Size() == 1);
  CHECK(d["items"][0]["id"].GetInt64() == 1);
  CHECK(Text(d["items"][0]["snippet"]).find('[') != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "search folds đ: dang bo finds Đảng bộ") {
  auto d = Get("/api/v1/search?q=dang%20bo%20quan%20binh%20tan");
  CHECK(d["total"].GetInt64() == 1);
  REQUIRE(d["items"].Size() == 1);
  CHECK(d["items"][0]["id"].GetInt64() == 2);
}

TEST_CASE_FIXTURE(ApiFixture, "search with diacritics finds the same") {
  auto d = Get("/api/v1/search?q=%C4%90%E1%BA%A3ng%20b%E1%BB%99%20qu%E1%BA%ADn%20B%C3%ACnh");  // "Đảng bộ quận Bình"
  CHECK(d["total"].GetInt64() == 1);
}

TEST_CASE_FIXTURE(ApiFixture, "search without q is a 400") {
  ErrorOf(Get("/api/v1/search", 400), "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "search with FTS syntax only is a 400, not a 500") {
  ErrorOf(Get("/api/v1/search?q=%22(*", 400), "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "search operators are searched as words") {
  auto d = Get("/api/v1/search?q=%22%20OR%20NEAR(");
  CHECK(d["total"].GetInt64() == 0);
}

TEST_CASE_FIXTURE(ApiFixture, "a huge query parameter is a 400") {
  ErrorOf(Get("/api/v1/search?q=" + std::string(4000, 'a'), 400), "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "a request line over 8 KiB is a 414") {
  auto res = client->Get(("/api/v1/search?q=" + std::string(10000, 'a')).c_str());
  REQUIRE(res);
  CHECK(res->status == 414);
  CHECK(BodyErrorCode(res->body) == "uri_too_long");
}

TEST_CASE_FIXTURE(ApiFixture, "bad UTF-8 in a parameter is a 400") {
  ErrorOf(Get("/api/v1/documents?q=%C4%FF", 400), "invalid_argument");
}

// ---- exports ----

TEST_CASE_FIXTURE(ApiFixture, "export.gexf: GEXF of a root's neighbourhood") {
  auto res = client->Get((std::string("/api/v1/export.gexf?root=") + kNq35 + "&depth=1").c_str());
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->get_header_value("Content-Type") == "application/gexf+xml");
  CHECK(res->body.find("<gexf") != std::string::npos);
  CHECK(res->body.find("52-KH/HU") != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "export.graphml: the whole graph") {
  auto res = client->Get("/api/v1/export.graphml");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("<graphml") != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "export.json: nodes and links") {
  auto d = Get("/api/v1/export.json");
  CHECK(d["nodes"].Size() > 3);
  CHECK(d["links"].IsArray());
}

TEST_CASE_FIXTURE(ApiFixture, "export of an unknown root is a 404") {
  ErrorOf(Get("/api/v1/export.json?root=999-NQ~TW", 404), "not_found");
}

// ---- extract ----

TEST_CASE_FIXTURE(ApiFixture, "POST /extract: JSON in, each mention resolved against the store") {
  const std::string body = R"({"text":"Thành ủy quán triệt Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị và Chỉ thị số 99-CT/TW ngày 1/2/2019 của Ban Bí thư.","published":"2019-05-01"})";
  auto res = client->Post("/api/v1/extract", body, "application/json");
  REQUIRE(res);
  CAPTURE(res->body);
  CHECK(res->status == 200);
  rapidjson::Document d;
  d.Parse(res->body.c_str());
  REQUIRE(d.IsObject());
  std::map<std::string, std::string> status;
  for (const auto& doc : d["documents"].GetArray()) {
    status[Text(doc["key"])] = Text(doc["resolution"]["status"]);
    for (const auto& m : doc["mentions"].GetArray()) CHECK(m["resolution"].IsObject());
  }
  CHECK(status["35-NQ/TW@TW#XII"] == "found");
  CHECK(status.size() == 2);
  for (const auto& [k, v] : status) {
    if (k != "35-NQ/TW@TW#XII") CHECK(v == "unknown");
  }
}

TEST_CASE_FIXTURE(ApiFixture, "POST /extract: text/plain in") {
  auto res = client->Post("/api/v1/extract", "Quán triệt Nghị quyết 35-NQ/TW của Bộ Chính trị.", "text/plain");
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.find("\"resolution\"") != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "POST /extract: bad JSON is a 400") {
  auto res = client->Post("/api/v1/extract", "{\"text\": ", "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(BodyErrorCode(res->body) == "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "POST /extract: text that is not a string is a 400") {
  auto res = client->Post("/api/v1/extract", R"({"text": 35})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
}

TEST_CASE_FIXTURE(ApiFixture, "POST /extract: invalid UTF-8 text is a 400") {
  auto res = client->Post("/api/v1/extract", "Ngh\xFF quy\xC4", "text/plain");
  REQUIRE(res);
  CHECK(res->status == 400);
  CHECK(BodyErrorCode(res->body) == "invalid_argument");
}

TEST_CASE_FIXTURE(ApiFixture, "POST /extract: another content type is a 400") {
  auto res = client->Post("/api/v1/extract", "<xml/>", "application/xml");
  REQUIRE(res);
  CHECK(res->status == 400);
}

TEST_CASE_FIXTURE(ApiFixture, "POST /extract: a body over 1 MiB is a 413") {
  auto res = client->Post("/api/v1/extract", std::string(dg::kMaxBodyBytes + 10, 'a'), "text/plain");
  REQUIRE(res);
  CHECK(res->status == 413);
  CHECK(BodyErrorCode(res->body) == "payload_too_large");
}

// ---- writes ----

TEST_CASE_FIXTURE(ApiFixture, "POST /articles without a token is a 401") {
  auto res = client->Post("/api/v1/articles", R"({"url":"u","text":"x"})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 401);
  CHECK(BodyErrorCode(res->body) == "unauthorized");
}

TEST_CASE_FIXTURE(ApiFixture, "POST /articles on a read-only server is a 403 even with a token") {
  httplib::Headers h = {{"Authorization", std::string("Bearer ") + kToken}};
  auto res = client->Post("/api/v1/articles", h, R"({"url":"u","text":"x"})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 403);
  CHECK(BodyErrorCode(res->body) == "forbidden");
}

TEST_CASE_FIXTURE(WritableFixture, "POST /articles with a wrong token is a 403") {
  httplib::Headers h = {{"Authorization", "Bearer s3cret-tokem"}};
  auto res = client->Post("/api/v1/articles", h, R"({"url":"u","text":"x"})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 403);
}

TEST_CASE_FIXTURE(WritableFixture, "POST /articles with the token stores the article; reads see it") {
  // A document's page, asked twice (the second from the pages kept), then after the post.
  const std::string page = std::string("/api/v1/documents/") + kNq35;
  auto before = Get(page);
  const int64_t mentions = before["mentions_total"].GetInt64();
  CHECK(Get(page)["mentions_total"].GetInt64() == mentions);
  httplib::Headers h = {{"Authorization", std::string("Bearer ") + kToken}};
  const std::string body = R"({"url":"https://example.vn/3","published":"2024-03-01","text":"Ban Thường vụ Huyện ủy Chợ Gạo ban hành Kế hoạch số 60-KH/HU ngày 01/3/2024 thực hiện Nghị quyết số 35-NQ/TW ngày 22/10/2018 của Bộ Chính trị."})";
  auto res = client->Post("/api/v1/articles", h, body, "application/json");
  REQUIRE(res);
  CAPTURE(res->body);
  CHECK(res->status == 201);
  rapidjson::Document d;
  d.Parse(res->body.c_str());
  REQUIRE(d.IsObject());
  CHECK(Text(d["outcome"]) == "added");
  const int64_t id = d["id"].GetInt64();
  auto article = Get("/api/v1/articles/" + std::to_string(id));
  CHECK(Text(article["url"]) == "https://example.vn/3");
  auto lineage = Get(std::string("/api/v1/documents/") + kNq35 + "/lineage?direction=down");
  CHECK(lineage["down"]["items"].Size() == 2);  // the graph was reloaded
  CHECK(lineage["down"]["total"].GetInt() == 2);
  auto after = Get(page);  // not the page kept before the post
  CHECK(after["mentions_total"].GetInt64() == mentions + 1);
  bool seen = false;
  for (const auto& m : after["mentions"].GetArray()) seen |= m["article"]["id"].GetInt64() == id;
  CHECK(seen);
}

TEST_CASE_FIXTURE(WritableFixture, "POST /articles without a url is a 400") {
  httplib::Headers h = {{"Authorization", std::string("Bearer ") + kToken}};
  auto res = client->Post("/api/v1/articles", h, R"({"text":"Nghị quyết 35-NQ/TW"})", "application/json");
  REQUIRE(res);
  CHECK(res->status == 400);
}

// ---- protocol ----

TEST_CASE_FIXTURE(ApiFixture, "DELETE on a document is a 405 with Allow") {
  auto res = client->Delete((std::string("/api/v1/documents/") + kNq35).c_str());
  REQUIRE(res);
  CHECK(res->status == 405);
  CHECK(res->get_header_value("Allow").find("GET") != std::string::npos);
  CHECK(BodyErrorCode(res->body) == "method_not_allowed");
}

TEST_CASE_FIXTURE(ApiFixture, "GET on POST /extract is a 405") {
  auto res = client->Get("/api/v1/extract");
  REQUIRE(res);
  CHECK(res->status == 405);
  CHECK(res->get_header_value("Allow").find("POST") != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "CORS: replies allow any origin") {
  auto res = client->Get("/api/v1/stats");
  REQUIRE(res);
  CHECK(res->get_header_value("Access-Control-Allow-Origin") == "*");
}

TEST_CASE_FIXTURE(ApiFixture, "CORS: a preflight names the methods and headers") {
  auto res = client->Options("/api/v1/articles");
  REQUIRE(res);
  CHECK(res->status == 204);
  CHECK(res->get_header_value("Access-Control-Allow-Methods").find("POST") != std::string::npos);
  CHECK(res->get_header_value("Access-Control-Allow-Headers").find("Authorization") != std::string::npos);
}

TEST_CASE_FIXTURE(ApiFixture, "many clients at once each get their answer") {
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", server->port());
      c.set_read_timeout(10, 0);
      for (int i = 0; i < 10; ++i) {
        const std::string path = (i + t) % 2 ? std::string("/api/v1/documents/") + kNq35
                                             : std::string("/api/v1/documents/") + kNq35 + "/reviews";
        auto res = c.Get(path.c_str());
        if (res && res->status == 200) ++ok;
      }
    });
  }
  for (auto& th : threads) th.join();
  CHECK(ok == 80);
}

// ---- the OpenAPI document ----

namespace {

// The query parameters of an operation, $refs resolved.
std::set<std::string> QueryParams(const rapidjson::Document& doc, const rapidjson::Value& op) {
  std::set<std::string> out;
  if (!op.HasMember("parameters")) return out;
  for (const auto& p : op["parameters"].GetArray()) {
    const rapidjson::Value* param = &p;
    if (p.HasMember("$ref")) {
      const std::string ref = Text(p["$ref"]);
      const std::string name = ref.substr(ref.rfind('/') + 1);
      param = &doc["components"]["parameters"][name.c_str()];
    }
    if (Text((*param)["in"]) == "query") out.insert(Text((*param)["name"]));
  }
  return out;
}

}  // namespace

TEST_CASE_FIXTURE(ApiFixture, "openapi.json describes exactly the routes served, with their parameters") {
  auto doc = Get("/api/v1/openapi.json");
  CHECK(Text(doc["openapi"]).rfind("3.", 0) == 0);
  std::set<std::string> described;
  for (const auto& path : doc["paths"].GetObject()) {
    for (const auto& op : path.value.GetObject()) {
      std::string method = Text(rapidjson::Value(op.name, doc.GetAllocator()));
      for (char& c : method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      std::string line = method + " " + Text(path.name);
      const auto params = QueryParams(doc, op.value);
      std::vector<std::string> sorted(params.begin(), params.end());
      described.insert(line + "?" + std::to_string(sorted.size()));
      for (const auto& p : sorted) described.insert(line + "&" + p);
    }
  }
  std::set<std::string> served;
  for (const std::string& route : server->Routes()) {
    const size_t q = route.find('?');
    const std::string line = route.substr(0, q);
    size_t n = 0;
    if (q != std::string::npos) {
      std::string rest = route.substr(q + 1);
      size_t at = 0;
      while (at <= rest.size()) {
        size_t amp = rest.find('&', at);
        if (amp == std::string::npos) amp = rest.size();
        served.insert(line + "&" + rest.substr(at, amp - at));
        ++n;
        at = amp + 1;
      }
    }
    served.insert(line + "?" + std::to_string(n));
  }
  CHECK(described == served);
  CHECK(served.size() > 20);
}

// Every document and article as the API shows them (their mentions among the rest), and
// each article as the store reads it back.
std::map<std::string, std::string> ReadEverything(dg::Store& store) {
  std::map<std::string, std::string> out;
  dg::sqlite::Database& db = store.database();
  for (const std::string& id : dg::testing::ColumnOf(db, "SELECT id FROM documents")) {
    auto shown = dg::api::GetDocument(db, std::stoll(id));
    REQUIRE(shown.ok());
    out["documents/" + id] = *shown;
  }
  for (const std::string& id : dg::testing::ColumnOf(db, "SELECT id FROM articles")) {
    auto shown = dg::api::GetArticle(db, std::stoll(id));
    REQUIRE(shown.ok());
    out["articles/" + id] = *shown;
  }
  for (const std::string& hash : dg::testing::ColumnOf(db, "SELECT content_hash FROM articles")) {
    auto got = store.GetArticleByHash(hash);
    REQUIRE(got.ok());
    std::string mentions;
    for (const dg::Document& d : got->documents) {
      for (const dg::Mention& m : d.mentions) {
        mentions += d.key.ToString() + " " + std::to_string(m.start) + "-" +
                    std::to_string(m.end) + " " + m.text + " " + dg::MentionKindName(m.kind) + "\n";
      }
    }
    out["hash/" + hash] = mentions;
  }
  return out;
}

TEST_CASE("a version 8 database's mentions move into article_documents, and read the same") {
  const fs::path dir = TempDir();
  const std::string path = (dir / "v8.db").string();
  WriteArticles(path);
  std::map<std::string, std::string> before;
  {
    auto store = dg::Store::Open(path, /*read_only=*/true);
    REQUIRE(store.ok());
    before = ReadEverything(**store);
  }
  REQUIRE(before.size() > 6);
  // The documents' mentions are there to compare: "mentions_total": 0 would hide a loss.
  for (const auto& [what, json] : before) {
    if (!what.starts_with("documents/")) continue;
    CHECK(json.find("\"mentions_total\":0") == std::string::npos);
  }
  {
    auto raw = dg::sqlite::Database::Open(path, dg::sqlite::OpenMode::kReadWrite);
    REQUIRE(raw.ok());
    REQUIRE(raw->Exec("BEGIN; " + dg::testing::BackToMentionsTableSql() +
                      "; DELETE FROM schema_migrations WHERE version > 8; "
                      "PRAGMA user_version = 8; COMMIT")
                .ok());
  }
  {
    auto reader = dg::Store::Open(path, /*read_only=*/true);  // read as it is
    REQUIRE(reader.ok());
    CHECK((*reader)->schema_version() == 8);
    CHECK(*(*reader)->database().QueryInt(
              "SELECT count(*) FROM sqlite_schema WHERE name = 'mentions' AND type = 'table'") ==
          1);
    CHECK(ReadEverything(**reader) == before);
  }
  {
    auto store = dg::Store::Open(path);  // migrates
    REQUIRE(store.ok());
    CHECK((*store)->schema_version() == dg::Store::kSchemaVersion);
  }
  auto store = dg::Store::Open(path, /*read_only=*/true);
  REQUIRE(store.ok());
  dg::sqlite::Database& db = (*store)->database();
  CHECK(*db.QueryInt("SELECT count(*) FROM sqlite_schema WHERE name = 'mentions' AND "
                     "type = 'view'") == 1);
  CHECK(*db.QueryInt("SELECT sum(mention_count) FROM article_documents") ==
        *db.QueryInt("SELECT count(*) FROM mentions"));
  CHECK(ReadEverything(**store) == before);
  CHECK(dg::testing::IntegrityCheck(path) == "ok");
  // A document's first mentions come in the order of the index by document, a sort of
  // each article's few at most (not of all the document's: 85,000 articles name the
  // busiest of a million, 0.3 s to sort).
  std::string steps;
  for (const std::string& step : dg::testing::ColumnOf(
           db,
           "EXPLAIN QUERY PLAN SELECT m.article_id, m.text FROM mentions m JOIN articles a ON "
           "a.id = m.article_id WHERE m.document_id = 1 ORDER BY m.article_id, m.id LIMIT 50",
           3)) {
    steps += step + "\n";
  }
  CAPTURE(steps);
  CHECK(steps.find("USING INDEX article_documents_by_document") != std::string::npos);
  CHECK(steps.find("USE TEMP B-TREE FOR ORDER BY") == std::string::npos);
  store->reset();
  std::error_code ec;
  fs::remove_all(dir, ec);
}
