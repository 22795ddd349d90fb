// Catalogue: well-known central Party documents (DESIGN.md §2), loaded from the data file
// HomeDir()/data/catalogue.tsv, whose columns, sources and rules data/README.md explains.
//
// A central code names one document only within one Party term (khóa): numbering
// restarts after each National Congress, so `35-CT/TW` of 2019 (khóa XII) and `35-CT/TW`
// of 2024 (khóa XIII) are two entries. The catalogue answers three questions:
//   - which documents carry this code, in any term                    ByCode
//   - which one an article of a given date can mean                   ByCodeAt
//   - which document "Nghị quyết Trung ương 4 khóa XII" refers to     ByPlenum
// and tells the term a date falls in (TermOf).
//
// Every row is checked on load: a file that breaks a rule is refused whole, with its
// path and line, because the file is ours and a wrong row would silently merge documents.
//
// A loaded Catalogue is immutable: every const method is safe to call from many threads.
// The Entry pointers it returns live as long as the Catalogue.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/document_key.h"
#include "core/paths.h"
#include "core/status.h"

namespace dg {

class Catalogue {
 public:
  struct Entry {
    // Party family, suffix "TW", scope "TW", type and number (no leading zeros) from the
    // code, term filled. key.plenum stays empty, so that the key equals the one built
    // from the code in an article ("4-NQ/TW@TW#XII"); the plenum is in `plenum` below.
    DocumentKey key;
    std::string code;    // as usually printed: "04-NQ/TW", "08-QĐi/TW" (NFC)
    std::string date;    // ISO "2016-10-30"
    std::string issuer;  // "Bộ Chính trị", "Ban Bí thư", "Ban Chấp hành Trung ương", …
    std::string title;   // "về tăng cường xây dựng, chỉnh đốn Đảng; …" (NFC)
    std::string plenum;  // "4" when adopted at "Hội nghị Trung ương 4"; empty otherwise
    std::string source;  // an http(s) URL where the document or its facts are published
    // True for the one resolution that "Nghị quyết Trung ương <plenum> khóa <term>" means
    // without further words; false for the others of that plenum and for non-plenum rows.
    bool main = false;
  };

  // Loads and checks the catalogue at `path`. Returns kNotFound naming the file when it
  // is missing, kIoError when it cannot be read, and kCorrupt "<path>:<line>: <what>"
  // for the first row that breaks a rule of data/README.md (wrong field count, a code
  // that disagrees with its type or number, a bad date, a date outside its term, a
  // duplicate (code, term), a second main resolution of one plenum, text not in NFC, …).
  static Result<std::unique_ptr<Catalogue>> Load(const std::string& path = HomeDir() +
                                                                           "/data/catalogue.tsv");

  // As Load, from the file's text; `name` stands for the path in messages.
  static Result<std::unique_ptr<Catalogue>> Parse(std::string_view text, const std::string& name);

  // All entries of central code `number`-`type`/TW, in every term, oldest first.
  // `number` may carry leading zeros ("04"); `type` is NFC ("QĐ", "QĐi", "ĐA").
  std::vector<const Entry*> ByCode(std::string_view type, std::string_view number) const;

  // The entry an article dated `iso_date_bound` can mean by that code: the latest one
  // dated on or before the bound (a 2019 article cannot cite a 2024 directive). nullptr
  // when none is, or when the bound is not an ISO date.
  const Entry* ByCodeAt(std::string_view type, std::string_view number,
                        std::string_view iso_date_bound) const;

  // The main resolution of "Hội nghị Trung ương `plenum`" of khóa `term` ("4", "XII"),
  // or nullptr when the catalogue marks none for that plenum.
  const Entry* ByPlenum(std::string_view plenum, std::string_view term) const;

  // Every entry adopted at that plenum (resolutions, conclusions, regulations), by date.
  std::vector<const Entry*> OfPlenum(std::string_view plenum, std::string_view term) const;

  // The National Congress term (khóa) that ISO date `iso_date` falls in: "VIII" … "XIV".
  // A term starts on the closing day of the congress that elected its Central
  // Committee: VIII 1996-07-01, IX 2001-04-22, X 2006-04-25, XI 2011-01-19,
  // XII 2016-01-28, XIII 2021-02-01, XIV 2026-01-23. Empty for an earlier date or a
  // text that is not an ISO date (YYYY-MM-DD).
  static std::string TermOf(std::string_view iso_date);

  size_t size() const { return entries_.size(); }
  // All entries in file order.
  const std::vector<Entry>& entries() const { return entries_; }

 private:
  Catalogue() = default;
  std::vector<Entry> entries_;
};

}  // namespace dg
