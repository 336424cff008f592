#pragma once
// String similarity of normalised names: Jaro–Winkler, which rewards a shared
// beginning (names are misspelt more often at the end than at the start), and
// a test for one typing error.
#include <string_view>

namespace siao::matching {

// Jaro–Winkler similarity, 0 (nothing in common) to 1 (equal), byte by byte,
// Winkler's prefix bonus of 0.1 per common leading character (at most 4),
// given when the Jaro similarity exceeds 0.7. Strings longer than 64 bytes are
// compared on their first 64 (no name is longer).
double jaro_winkler(std::string_view a, std::string_view b);

// Whether b is a with exactly one typing error: a letter changed (wrong key),
// added (doubled), dropped, or two neighbours swapped.
bool one_typo_apart(std::string_view a, std::string_view b);

}  // namespace siao::matching
