#include "gateway/matching/name_similarity.hpp"

#include <algorithm>
#include <utility>

#include "gateway/matching/jaro_winkler.hpp"
#include "gateway/matching/normalise.hpp"
#include "gateway/matching/particles.hpp"
#include "gateway/matching/phonetic.hpp"

namespace siao::matching {
namespace {

constexpr double kOneTypo = 0.92;
constexpr double kOneTypoSameSound = 0.95;
constexpr double kSameSound = 0.88;
// Jaro–Winkler below kJwFloor says nothing (distinct first names with a
// common start reach 0.85); from there it rises to kJwCeiling's worth at 0.98.
constexpr double kJwFloor = 0.86;
constexpr double kJwSpan = 0.12;
constexpr double kJwCeiling = 0.90;
// Soundex2 drops every vowel, so a shared key alone is weak evidence
// (LAURENT and LEREON are both LRN): it counts from this Jaro–Winkler on,
// which PHILIPPE/FILIPE (0.82) and MOHAMED/MUHAMMAD (0.80) reach and
// LAURENT/LEREON (0.77) does not.
constexpr double kSameSoundNeedsJw = 0.80;
// A key of one or two letters (MOHAMED -> M, YANN and ANNA -> AN, PERROUX
// and PERRET -> PR) is common to many names: it counts only between words
// that start alike, and a two-letter key from a higher Jaro–Winkler. (A
// one-letter key is a name of vowels and H around one consonant, which is
// what transliterations vary: MOHAMED/MUHAMMAD, 0.80.)
constexpr std::size_t kShortKey = 2;
constexpr double kTwoLetterKeyNeedsJw = 0.85;
constexpr double kExtraWordFactor = 0.95;

Name make_name(std::vector<std::string> words, bool family) {
  Name name;
  if (words.empty()) return name;
  // Leading particles, unless the name is made of them only.
  std::size_t leading = 0;
  if (family) {
    while (leading < words.size() && is_particle(words[leading])) ++leading;
    if (leading == words.size()) leading = 0;
  }
  for (std::size_t from = 0; from <= leading; ++from) {
    std::string piece;
    for (std::size_t k = from; k < words.size(); ++k) piece += words[k];
    name.pieces.push_back(make_token(std::move(piece)));
  }
  if (family) drop_particles(words);
  name.tokens.reserve(words.size());
  for (auto& w : words) name.tokens.push_back(make_token(std::move(w)));
  return name;
}

}  // namespace

NameToken make_token(std::string text) {
  NameToken token;
  token.key = phonetic_key(text);
  token.text = std::move(text);
  return token;
}

Name family_name_of(std::string_view text) { return make_name(normalise(text), true); }

Name first_names_of(const std::vector<std::string>& names) {
  std::vector<std::string> words;
  for (const auto& n : names) normalise_into(n, words);
  return make_name(std::move(words), false);
}

double token_agreement(const NameToken& a, const NameToken& b) {
  if (a.text == b.text) return a.text.empty() ? 0.0 : 1.0;
  if (a.text.empty() || b.text.empty()) return 0.0;
  const double jw = jaro_winkler(a.text, b.text);
  double score = std::clamp((jw - kJwFloor) / kJwSpan, 0.0, 1.0) * kJwCeiling;
  const bool same_sound = !a.key.empty() && a.key == b.key &&
                          jw >= (a.key.size() == kShortKey ? kTwoLetterKeyNeedsJw : kSameSoundNeedsJw) &&
                          (a.key.size() > kShortKey || a.text[0] == b.text[0]);
  // A typing error, in a word of three letters at least (one error in a word
  // of two is half of it), that neither adds nor drops a first letter
  // (MAMADOU and AMADOU are two names).
  if (std::min(a.text.size(), b.text.size()) >= 3 && (a.text[0] == b.text[0] || a.text.size() == b.text.size()) &&
      one_typo_apart(a.text, b.text)) {
    score = std::max(score, same_sound ? kOneTypoSameSound : kOneTypo);
  } else if (same_sound) {
    score = std::max(score, kSameSound);
  }
  return score;
}

double name_agreement(const Name& a, const Name& b) {
  if (a.empty() || b.empty()) return 0.0;
  const Name& shorter = a.tokens.size() <= b.tokens.size() ? a : b;
  const Name& longer = &shorter == &a ? b : a;
  double worst = 1.0;
  for (const auto& s : shorter.tokens) {
    double best = 0.0;
    for (const auto& l : longer.tokens) best = std::max(best, token_agreement(s, l));
    worst = std::min(worst, best);
  }
  double extra = 1.0;
  for (std::size_t k = shorter.tokens.size(); k < longer.tokens.size(); ++k) extra *= kExtraWordFactor;
  double agreement = worst * extra;
  // Written in one piece, only an exact or one-typo agreement counts:
  // "marieclaire" and "marieanne" are close by letters, "yannlouise" and
  // "annalouise" share a key, but neither pair is one name.
  if (agreement < 1.0 && (a.written_apart() || b.written_apart())) {
    for (const auto& pa : a.pieces) {
      for (const auto& pb : b.pieces) {
        if (pa.text == pb.text || one_typo_apart(pa.text, pb.text)) {
          agreement = std::max(agreement, token_agreement(pa, pb));
        }
      }
    }
  }
  return agreement;
}

}  // namespace siao::matching
