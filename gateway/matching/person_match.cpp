#include "gateway/matching/person_match.hpp"

#include <algorithm>
#include <utility>

#include "gateway/matching/birth_date.hpp"

namespace siao::matching {
namespace {

// Weights of the fields (docs/matching.md, "Score"): the family name says the
// most, then the birth date, then the first names.
constexpr double kLastNameWeight = 0.40;
constexpr double kBirthDateWeight = 0.35;
constexpr double kFirstNamesWeight = 0.25;
// A field that cannot be compared (absent on either side) does not count as
// a disagreement, but the less is compared the less the similarity can
// reach: times (1 - 0.55 x missing weight). Without a birth date, names that
// agree exactly reach 0.8075, just above the default threshold, and names
// that agree less (a typo, one first name of two) stay below it: namesakes
// without a date cannot be told apart, and on the bench data they were most
// false matches. A last name alone tops at 0.67.
constexpr double kMissingWeightPenalty = 0.55;
// A birth date alone never identifies anyone.
constexpr double kNoNameFactor = 0.5;
// First and last names entered in each other's place: likely, not certain.
constexpr double kSwappedNamesFactor = 0.96;
// Namesakes with the same names and compatible dates are common in the 115's public (the bench's data: one false
// match in three at 0.80 had another nationality, no planted duplicate did); two known nationalities that differ
// take a score of 0.95 below 0.70.
constexpr double kOtherNationalityFactor = 0.7;
// From this agreement a field is listed in `matched`.
constexpr double kFieldAgreed = 0.75;

struct Field {
  bool present = false;
  double agreement = 0.0;
};

struct Fields {
  Field last_name;
  Field first_names;
  Field birth_date;
};

bool has_family_name(const Comparable& p) { return !p.last_name.empty() || !p.birth_name.empty(); }

// Best agreement of a name with a person's last or birth name: a woman known
// by her married name in one record and her birth name in the other.
double family_agreement(const Name& name, const Comparable& other) {
  return std::max(name_agreement(name, other.last_name), name_agreement(name, other.birth_name));
}

Fields compare_fields(const Comparable& q, const Comparable& c) {
  Fields f;
  if (has_family_name(q) && has_family_name(c)) {
    f.last_name = {true, std::max(family_agreement(q.last_name, c), family_agreement(q.birth_name, c))};
  }
  if (!q.first_names.empty() && !c.first_names.empty()) {
    f.first_names = {true, name_agreement(q.first_names, c.first_names)};
  }
  if (q.birth_date && c.birth_date) {
    f.birth_date = {true, compare_birth_dates(*q.birth_date, *c.birth_date).weight};
  }
  return f;
}

// The query's first names read as the family name and its last name as the first name.
Fields compare_swapped(const Comparable& q, const Comparable& c, const Fields& direct) {
  Fields f = direct;
  f.last_name = {true, family_agreement(q.first_names, c)};
  f.first_names = {true, name_agreement(q.last_name, c.first_names)};
  return f;
}

double similarity(const Fields& f) {
  double weight = 0.0;
  double sum = 0.0;
  for (const auto& [field, w] : {std::pair{&f.last_name, kLastNameWeight}, std::pair{&f.birth_date, kBirthDateWeight},
                                 std::pair{&f.first_names, kFirstNamesWeight}}) {
    if (!field->present) continue;
    weight += w;
    sum += w * field->agreement;
  }
  if (weight <= 0.0) return 0.0;
  double s = sum / weight * (1.0 - kMissingWeightPenalty * std::max(0.0, 1.0 - weight));
  if (!f.last_name.present && !f.first_names.present) s *= kNoNameFactor;
  return std::clamp(s, 0.0, 1.0);
}

std::vector<std::string> matched(const Fields& f) {
  std::vector<std::string> out;
  out.reserve(3);  // also keeps GCC 12's -O3 from a false -Wstringop-overflow on the growth path
  if (f.last_name.present && f.last_name.agreement >= kFieldAgreed) out.emplace_back("lastName");
  if (f.first_names.present && f.first_names.agreement >= kFieldAgreed) out.emplace_back("firstNames");
  if (f.birth_date.present && f.birth_date.agreement >= kFieldAgreed) out.emplace_back("birthDate");
  return out;
}

bool same_words(const Name& a, const Name& b) {
  return a.tokens.size() == b.tokens.size() &&
         std::equal(a.tokens.begin(), a.tokens.end(), b.tokens.begin(),
                    [](const NameToken& x, const NameToken& y) { return x.text == y.text; });
}

}  // namespace

Comparable::Comparable(const PersonFields& p)
    : last_name(family_name_of(p.last_name)),
      birth_name(p.birth_name ? family_name_of(*p.birth_name) : Name{}),
      first_names(first_names_of(p.first_names)),
      birth_date(p.birth_date ? domain::parse_partial_date(*p.birth_date) : std::nullopt),
      nationality(p.nationality && *p.nationality != "unknown" ? *p.nationality : std::string()) {
  if (same_words(birth_name, last_name)) birth_name = Name{};
}

Score compare(const Comparable& query, const Comparable& candidate) {
  const Fields direct = compare_fields(query, candidate);
  double best = similarity(direct);
  const Fields* chosen = &direct;
  Fields swapped;
  if (best < 1.0 && !query.last_name.empty() && !query.first_names.empty() && has_family_name(candidate) &&
      !candidate.first_names.empty()) {
    swapped = compare_swapped(query, candidate, direct);
    const double s = similarity(swapped) * kSwappedNamesFactor;
    if (s > best) {
      best = s;
      chosen = &swapped;
    }
  }
  // Two known nationalities that differ: a namesake far more often than a slip of the keyboard.
  if (!query.nationality.empty() && !candidate.nationality.empty() && query.nationality != candidate.nationality)
    best *= kOtherNationalityFactor;
  return Score{best, matched(*chosen)};
}

Score compare(const PersonFields& query, const PersonFields& candidate) {
  return compare(Comparable(query), Comparable(candidate));
}

namespace {

void sort_unique(std::vector<std::string>& keys) {
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
}

void add_keys(std::vector<std::string>& keys, const Name& name) {
  for (const auto& t : name.tokens)
    if (!t.key.empty()) keys.push_back(t.key);
}

}  // namespace

std::vector<std::string> BlockingKeys::phonetic() const {
  std::vector<std::string> all = family;
  all.insert(all.end(), first.begin(), first.end());
  sort_unique(all);
  return all;
}

BlockingKeys blocking_keys(const PersonFields& p) {
  const Comparable c(p);
  BlockingKeys keys;
  for (const Name* family : {&c.last_name, &c.birth_name}) {
    add_keys(keys.family, *family);
    // A family name of several words is also looked for in one piece: LE GALL
    // finds LEGALL, DE LA FONTAINE finds LAFONTAINE.
    if (!family->empty() && family->written_apart())
      for (const auto& piece : family->pieces)
        if (!piece.key.empty()) keys.family.push_back(piece.key);
  }
  add_keys(keys.first, c.first_names);
  sort_unique(keys.family);
  sort_unique(keys.first);
  return keys;
}

}  // namespace siao::matching
