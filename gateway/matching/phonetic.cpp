#include "gateway/matching/phonetic.hpp"

#include <cstddef>

namespace siao::matching {
namespace {

bool is_vowel(char c) { return c == 'A' || c == 'E' || c == 'I' || c == 'O' || c == 'U'; }
bool is_front_vowel(char c) { return c == 'E' || c == 'I' || c == 'Y'; }

// Step 1: groups of letters rewritten to how they sound (Soundex2's list,
// then the extensions), one left-to-right pass, longest group first.
std::string rewrite_groups(const std::string& in) {
  std::string out;
  out.reserve(in.size() + 2);
  // -AULT, -AUT and -AUD end PERRAULT, PERRAUT and PERRAUD alike.
  std::size_t end = in.size();
  const bool ault = end >= 5 && in.compare(end - 4, 4, "AULT") == 0;
  if (ault) end -= 2;  // keep "AU"
  for (std::size_t i = 0; i < end;) {
    const char c = in[i];
    const char next = i + 1 < end ? in[i + 1] : '\0';
    const char after = i + 2 < end ? in[i + 2] : '\0';
    if (c == 'G') {
      if (next == 'U' && (after == 'I' || after == 'E')) { out += 'K'; out += after; i += 3; continue; }  // GUI GUE
      if (next == 'U') { out += 'K'; i += 2; continue; }                                                    // GU
      if (next == 'A' || next == 'O') { out += 'K'; i += 1; continue; }                                     // GA GO
      if (is_front_vowel(next)) { out += 'J'; i += 1; continue; }  // extension: GE GI GY sound J
      out += 'G';
      ++i;
      continue;
    }
    if (c == 'C') {
      if (next == 'C' || next == 'K') { out += 'K'; i += 2; continue; }           // CC CK
      if (next == 'H' && after == 'R') { out += 'K'; i += 2; continue; }          // extension: CHR (CHRISTOPHE)
      if (next == 'H') { out += "CH"; i += 2; continue; }                          // CH stays
      if (is_front_vowel(next)) { out += 'S'; i += 1; continue; }                 // extension: CE CI CY sound S
      out += 'K';                                                                   // CA CO CU, and (extension) any other C
      ++i;
      continue;
    }
    if (c == 'Q') { out += 'K'; ++i; continue; }
    if (c == 'P' && next == 'H') { out += 'F'; i += 2; continue; }  // extension: PH anywhere, not only first
    if (c == 'B' && next == 'V') { ++i; continue; }                 // extension: silent B of LEFEBVRE
    out += c;
    ++i;
  }
  return out;
}

}  // namespace

std::string phonetic_key(std::string_view token) {
  std::string word;
  word.reserve(token.size());
  for (const char c : token) {
    if (c >= 'a' && c <= 'z') word += static_cast<char>(c - 'a' + 'A');
    else if (c >= 'A' && c <= 'Z') word += c;
  }
  if (word.empty()) return word;

  std::string s = rewrite_groups(word);
  // Step 2: every vowel but Y becomes A (extension: the first letter too, so
  // ÉLODIE and HÉLODIE, OLIVIER and AULIVIER share a key).
  for (char& c : s) {
    if (is_vowel(c)) c = 'A';
  }
  // Step 3: prefixes. (Soundex2's MAC -> MCC is not needed: C before A is
  // already K, and MACDONALD and MCDONALD both end as MKDNL.)
  if (s.starts_with("ASA")) s.replace(0, 3, "AZA");
  else if (s.starts_with("KN")) s.replace(0, 2, "NN");
  else if (s.starts_with("PF")) s.replace(0, 2, "FF");
  else if (s.starts_with("SCH")) s.replace(0, 3, "SSS");
  // Steps 4 and 5: H is silent except in CH and SH; Y is silent except after A.
  std::string t;
  t.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char prev = i > 0 ? s[i - 1] : '\0';
    if (s[i] == 'H' && prev != 'C' && prev != 'S') continue;
    if (s[i] == 'Y' && prev != 'A') continue;
    t += s[i];
  }
  // Step 6: a silent ending A, T, D or S (extension: X, as in DEVAUX).
  if (t.size() > 1) {
    const char last = t.back();
    if (last == 'A' || last == 'T' || last == 'D' || last == 'S' || last == 'X') t.pop_back();
  }
  // Steps 7 and 8: A only where it leads, and no letter twice in a row.
  std::string key;
  key.reserve(t.size());
  for (std::size_t i = 0; i < t.size(); ++i) {
    if (t[i] == 'A' && i > 0) continue;
    if (!key.empty() && key.back() == t[i]) continue;
    key += t[i];
  }
  // Soundex2 keeps 4 characters; the whole key is kept here (see docs/matching.md).
  return key;
}

}  // namespace siao::matching
