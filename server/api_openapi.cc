// The OpenAPI 3 document of the REST API, served as GET /api/v1/openapi.json. Kept in step
// with the routes of server/http.cc by tests/test_api.cc (every route and its query
// parameters are described here, and nothing else is).
#include "server/api.h"

namespace dg::api {

const std::string& OpenApiJson() {
  static const std::string kDoc = R"json({
"openapi": "3.0.3",
"info": {"title": "dirgraph", "version": "1",
  "description": "Vietnamese Party directives, their lineage and the Party-committee meetings that review them, extracted from news articles. Document ids are slugs of the canonical key: '/' -> '~', '#' -> '!', '?' -> '_' (35-NQ/TW@TW#XII -> 35-NQ~TW@TW!XII); the URL-encoded key and the numeric id work too. Lists are paginated with limit (1..200, default 50) and cursor (next_cursor of the previous page) and carry total; a lineage is paginated per direction (limit 1..1000, default 100). Errors are {\"error\":{\"code\",\"message\"}}."},
"servers": [{"url": "/"}],
"components": {
  "parameters": {
    "limit": {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 200, "default": 50}},
    "cursor": {"name": "cursor", "in": "query", "description": "next_cursor of the previous page", "schema": {"type": "string"}},
    "from": {"name": "from", "in": "query", "description": "first date, YYYY[-MM[-DD]]", "schema": {"type": "string"}},
    "to": {"name": "to", "in": "query", "description": "last date, YYYY[-MM[-DD]], inclusive", "schema": {"type": "string"}},
    "documentId": {"name": "id", "in": "path", "required": true, "description": "a document slug (35-NQ~TW@TW!XII), the URL-encoded key, or the numeric id", "schema": {"type": "string"}},
    "numericId": {"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}},
    "root": {"name": "root", "in": "query", "description": "a document (slug, key, code) or a node id (unit:760, meeting:12); default: the whole graph", "schema": {"type": "string"}},
    "depth": {"name": "depth", "in": "query", "description": "steps from the root (0: its whole component)", "schema": {"type": "integer", "minimum": 0, "maximum": 20, "default": 2}}
  },
  "schemas": {
    "Error": {"type": "object", "required": ["error"], "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}},
    "Page": {"type": "object", "required": ["items", "total", "next_cursor"], "properties": {"items": {"type": "array", "items": {"type": "object"}}, "total": {"type": "integer"}, "next_cursor": {"type": "string", "nullable": true}}},
    "Object": {"type": "object"}
  },
  "responses": {
    "Page": {"description": "a page of the list", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Page"}}}},
    "Object": {"description": "the object", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Object"}}}},
    "Error": {"description": "an error: 400 bad parameter, 401/403 token, 404 unknown id (with suggestions), 405, 413, 414, 500", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
  },
  "securitySchemes": {"writeToken": {"type": "http", "scheme": "bearer"}}
},
"paths": {
  "/healthz": {"get": {"summary": "liveness", "responses": {"200": {"$ref": "#/components/responses/Object"}}}},
  "/api/v1/healthz": {"get": {"summary": "liveness", "responses": {"200": {"$ref": "#/components/responses/Object"}}}},
  "/api/v1/openapi.json": {"get": {"summary": "this document", "responses": {"200": {"$ref": "#/components/responses/Object"}}}},
  "/api/v1/stats": {"get": {"summary": "counts of the store", "responses": {"200": {"$ref": "#/components/responses/Object"}, "default": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/documents": {"get": {"summary": "documents, filtered",
    "parameters": [
      {"name": "q", "in": "query", "description": "substring of the key, title or issuer", "schema": {"type": "string"}},
      {"name": "type", "in": "query", "description": "NQ, CT, KL, QĐ, ĐA, KH, …", "schema": {"type": "string"}},
      {"name": "suffix", "in": "query", "description": "TW, TU, QU, HU, UBND, CP, …", "schema": {"type": "string"}},
      {"name": "jurisdiction", "in": "query", "description": "substring of the issuer's place", "schema": {"type": "string"}},
      {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"},
      {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}],
    "responses": {"200": {"$ref": "#/components/responses/Page"}, "400": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/documents/{id}": {"get": {"summary": "a document with its aliases, mentions (article, snippet) and edges",
    "parameters": [{"$ref": "#/components/parameters/documentId"}],
    "responses": {"200": {"$ref": "#/components/responses/Object"}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/documents/{id}/lineage": {"get": {"summary": "what the document implements (up) and what implements it (down), with evidence, a page per direction",
    "description": "{document, direction, depth, inferred, limit, up, down, cycles}: up and down are null when not asked, else {items, total, next_cursor}, the items in order of depth, then key, each with its path and the evidence (article, span, sentence) of each step. Only the entries of the page have their evidence read. A cursor continues the direction it came from (direction may be left out; naming the other one is a 400) and belongs to its document, depth and inferred: another document's cursor, or the same with other options, is a 400.",
    "parameters": [{"$ref": "#/components/parameters/documentId"},
      {"name": "direction", "in": "query", "schema": {"type": "string", "enum": ["up", "down", "both"], "default": "both"}},
      {"name": "depth", "in": "query", "description": "steps (0: no limit)", "schema": {"type": "integer", "minimum": 0, "maximum": 100, "default": 0}},
      {"name": "inferred", "in": "query", "description": "follow inferred implements edges too", "schema": {"type": "boolean", "default": false}},
      {"name": "limit", "in": "query", "description": "entries per direction", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 100}},
      {"name": "cursor", "in": "query", "description": "next_cursor of one direction of the previous page: the next page of that direction", "schema": {"type": "string"}}],
    "responses": {"200": {"$ref": "#/components/responses/Object"}, "400": {"$ref": "#/components/responses/Error"}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/documents/{id}/reviews": {"get": {"summary": "the meetings that reviewed or launched the document or a document implementing it",
    "parameters": [{"$ref": "#/components/parameters/documentId"},
      {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"},
      {"name": "level", "in": "query", "description": "the unit's level: province, district, …", "schema": {"type": "string"}},
      {"name": "province", "in": "query", "description": "substring of the unit's province", "schema": {"type": "string"}},
      {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}],
    "responses": {"200": {"$ref": "#/components/responses/Page"}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/units": {"get": {"summary": "units that held meetings",
    "parameters": [
      {"name": "q", "in": "query", "description": "substring of the name", "schema": {"type": "string"}},
      {"name": "level", "in": "query", "schema": {"type": "string"}},
      {"name": "province", "in": "query", "description": "substring of the province", "schema": {"type": "string"}},
      {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}],
    "responses": {"200": {"$ref": "#/components/responses/Page"}, "400": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/units/{id}": {"get": {"summary": "a unit", "parameters": [{"$ref": "#/components/parameters/numericId"}],
    "responses": {"200": {"$ref": "#/components/responses/Object"}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/units/{id}/meetings": {"get": {"summary": "the meetings a unit held",
    "parameters": [{"$ref": "#/components/parameters/numericId"},
      {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"},
      {"name": "kind", "in": "query", "description": "sơ kết, tổng kết, triển khai, quán triệt, other", "schema": {"type": "string"}},
      {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}],
    "responses": {"200": {"$ref": "#/components/responses/Page"}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/meetings": {"get": {"summary": "meetings, filtered",
    "parameters": [
      {"name": "unit", "in": "query", "description": "a unit id", "schema": {"type": "integer"}},
      {"name": "document", "in": "query", "description": "a document reviewed, launched or held under (slug, key or id)", "schema": {"type": "string"}},
      {"$ref": "#/components/parameters/from"}, {"$ref": "#/components/parameters/to"},
      {"name": "kind", "in": "query", "schema": {"type": "string"}},
      {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}],
    "responses": {"200": {"$ref": "#/components/responses/Page"}, "400": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/meetings/{id}": {"get": {"summary": "a meeting", "parameters": [{"$ref": "#/components/parameters/numericId"}],
    "responses": {"200": {"$ref": "#/components/responses/Object"}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/articles/{id}": {"get": {"summary": "an article: metadata, text, mention spans (byte offsets), unresolved spans, relations, meetings",
    "parameters": [{"$ref": "#/components/parameters/numericId"}],
    "responses": {"200": {"$ref": "#/components/responses/Object"}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/search": {"get": {"summary": "full text over articles, insensitive to diacritics (nghi quyet finds Nghị quyết, dang finds Đảng); snippets mark hits with [ ]",
    "parameters": [{"name": "q", "in": "query", "required": true, "schema": {"type": "string"}},
      {"$ref": "#/components/parameters/limit"}, {"$ref": "#/components/parameters/cursor"}],
    "responses": {"200": {"$ref": "#/components/responses/Page"}, "400": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/export.gexf": {"get": {"summary": "the graph as GEXF 1.3", "parameters": [{"$ref": "#/components/parameters/root"}, {"$ref": "#/components/parameters/depth"}],
    "responses": {"200": {"description": "GEXF", "content": {"application/gexf+xml": {}}}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/export.graphml": {"get": {"summary": "the graph as GraphML", "parameters": [{"$ref": "#/components/parameters/root"}, {"$ref": "#/components/parameters/depth"}],
    "responses": {"200": {"description": "GraphML", "content": {"application/graphml+xml": {}}}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/export.json": {"get": {"summary": "the graph as JSON nodes and links", "parameters": [{"$ref": "#/components/parameters/root"}, {"$ref": "#/components/parameters/depth"}],
    "responses": {"200": {"$ref": "#/components/responses/Object"}, "404": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/extract": {"post": {"summary": "extract a text (nothing is stored); each document and mention carries its resolution against the store: found (id), ambiguous (candidates) or unknown. Bodies up to 1 MiB.",
    "requestBody": {"required": true, "content": {
      "application/json": {"schema": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}, "published": {"type": "string"}, "site": {"type": "string"}, "title": {"type": "string"}}}},
      "text/plain": {"schema": {"type": "string"}}}},
    "responses": {"200": {"$ref": "#/components/responses/Object"}, "400": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}}}},
  "/api/v1/articles": {"post": {"summary": "ingest one article (only with the server's write token). Bodies up to 1 MiB.",
    "security": [{"writeToken": []}],
    "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["url", "text"], "properties": {"url": {"type": "string"}, "text": {"type": "string"}, "title": {"type": "string"}, "published": {"type": "string"}, "site": {"type": "string"}}}}}},
    "responses": {"201": {"description": "stored: {id, outcome: added|replaced, documents, meetings}"}, "200": {"description": "stored already: outcome unchanged"},
      "401": {"$ref": "#/components/responses/Error"}, "403": {"$ref": "#/components/responses/Error"}, "400": {"$ref": "#/components/responses/Error"}, "413": {"$ref": "#/components/responses/Error"}}}}
}
})json";
  return kDoc;
}

}  // namespace dg::api
