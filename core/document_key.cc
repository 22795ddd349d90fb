#include "core/document_key.h"

#include <cctype>

namespace dg {

std::string StripLeadingZeros(std::string_view digits) {
  size_t i = 0;
  while (i + 1 < digits.size() && digits[i] == '0') ++i;
  return std::string(digits.substr(i));
}

std::string DocumentKey::Code() const {
  if (family == Family::kState) {
    std::string s = number;
    if (!year.empty()) s += "/" + year;
    return s + "/" + type + "-" + suffix;
  }
  if (number.empty() && !plenum.empty()) {
    std::string s = "NQ TW" + plenum;
    if (!term.empty()) s += " khóa " + term;
    return s;
  }
  return number + "-" + type + "/" + suffix;
}

std::string DocumentKey::ToString() const {
  std::string s;
  if (family == Family::kParty && number.empty() && !plenum.empty()) {
    s = "TW" + plenum + "-" + type + "/" + suffix;
  } else {
    s = Code();
  }
  s += "@" + (scope.empty() ? std::string("?") : scope);
  if (!term.empty()) s += "#" + term;
  return s;
}

namespace {
bool AllDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return true;
}
}  // namespace

Result<DocumentKey> DocumentKey::Parse(std::string_view text) {
  auto bad = [&](const char* why) {
    return Status::Invalid("not a document key '" + std::string(text) + "': " + why);
  };
  DocumentKey k;
  size_t at = text.rfind('@');
  if (at == std::string_view::npos) return bad("no '@scope'");
  std::string_view code = text.substr(0, at);
  std::string_view rest = text.substr(at + 1);
  size_t hash = rest.find('#');
  k.scope = std::string(rest.substr(0, hash));
  if (hash != std::string_view::npos) k.term = std::string(rest.substr(hash + 1));
  if (k.scope.empty()) return bad("empty scope");

  size_t dash = code.find('-');
  size_t slash = code.find('/');
  if (dash == std::string_view::npos || slash == std::string_view::npos) return bad("no code");
  if (slash < dash) {  // state: NUMBER[/YEAR]/TYPE-SUFFIX
    k.family = Family::kState;
    std::string_view head = code.substr(0, code.rfind('/', dash));
    std::string_view tail = code.substr(head.size() + 1);
    size_t d = tail.find('-');
    k.type = std::string(tail.substr(0, d));
    k.suffix = std::string(tail.substr(d + 1));
    size_t s2 = head.find('/');
    if (s2 == std::string_view::npos) {
      k.number = std::string(head);
    } else {
      k.number = std::string(head.substr(0, s2));
      k.year = std::string(head.substr(s2 + 1));
      if (!AllDigits(k.year)) return bad("year is not a number");
    }
    if (!AllDigits(k.number)) return bad("number is not a number");
  } else {  // party: NUMBER-TYPE/SUFFIX or TW<plenum>-TYPE/SUFFIX
    std::string_view num = code.substr(0, dash);
    k.type = std::string(code.substr(dash + 1, slash - dash - 1));
    k.suffix = std::string(code.substr(slash + 1));
    if (num.size() > 2 && num.substr(0, 2) == "TW" && AllDigits(num.substr(2))) {
      k.plenum = std::string(num.substr(2));
    } else if (AllDigits(num)) {
      k.number = StripLeadingZeros(num);
    } else {
      return bad("number is not a number");
    }
  }
  if (k.type.empty() || k.suffix.empty()) return bad("empty type or suffix");
  return k;
}

std::string KeySlug(std::string_view key) {
  std::string out(key);
  for (char& c : out) {
    if (c == '/') c = '~';
    else if (c == '#') c = '!';
    else if (c == '?') c = '_';
  }
  return out;
}

std::string KeyFromSlug(std::string_view slug) {
  std::string out(slug);
  for (char& c : out) {
    if (c == '~') c = '/';
    else if (c == '!') c = '#';
    else if (c == '_') c = '?';
  }
  return out;
}

}  // namespace dg
