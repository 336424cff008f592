#pragma once
// How much two names agree, 0..1: word by word (Jaro–Winkler, one typing
// error, French phonetic key), then over the words of each name in any order.
#include <string>
#include <string_view>
#include <vector>

namespace siao::matching {

// A normalised word and its phonetic key, both computed once.
struct NameToken {
  std::string text;
  std::string key;
};

// One name as compared: a family name (last or birth name) or all first names.
struct Name {
  std::vector<NameToken> tokens;  // significant words: particles dropped from family names
  // The name written in one piece: every word ("delafontaine"), then without
  // each leading particle in turn ("lafontaine", "fontaine"). One entry for
  // most names.
  std::vector<NameToken> pieces;
  bool empty() const { return tokens.empty(); }
  // Whether the name has more than one spelling: several words or particles.
  bool written_apart() const { return tokens.size() > 1 || pieces.size() > 1 || pieces[0].text != tokens[0].text; }
};

Name family_name_of(std::string_view text);                     // particles dropped
Name first_names_of(const std::vector<std::string>& names);    // every word of every first name
NameToken make_token(std::string text);

// Agreement of two words: 1 when equal; one typing error 0.92 (0.95 when the
// phonetic keys agree too); same phonetic key 0.88 (if Jaro–Winkler is at
// least 0.80, or 0.85 for keys of 1-2 letters: Soundex2 keys are coarse);
// otherwise Jaro–Winkler rescaled so that distinct names sharing letters
// (MARIE/MARC, 0.85) give 0.
double token_agreement(const NameToken& a, const NameToken& b);

// Agreement of two names: the words of the shorter name each find their best
// match in the other, in any order, and the worst of them counts (MARIE
// CLAIRE vs MARIE ANNE is a disagreement); each word the longer name has more
// costs 5% (MARTIN-DUBOIS vs MARTIN: 0.95). The names written in one piece,
// equal or one typo apart, may agree better (LE GALL vs LEGALL, DE LA
// FONTAINE vs LAFONTAINE). 0 when either name is empty.
double name_agreement(const Name& a, const Name& b);

}  // namespace siao::matching
