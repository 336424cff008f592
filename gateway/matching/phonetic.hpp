#pragma once
// A French phonetic key: Soundex2, the French Soundex of Frédéric Brouard,
// with the extensions listed in docs/matching.md (soft C and G, PH anywhere,
// silent B of "-BVRE", silent final X, -AULT, CHR, a leading vowel folded,
// and no truncation to four characters). Names that sound alike in French
// share a key: DUPONT/DUPOND -> DPN, LEFEBVRE/LEFÈVRE -> LFVR,
// PHILIPPE/FILIPE -> FLP, GAUTHIER/GAUTIER -> KTR, THOMAS/TOMAS -> TM.
#include <string>
#include <string_view>

namespace siao::matching {

// Key of one normalised token (output of normalise()); only its letters a-z
// count. Upper case; empty when the token has no such letter.
std::string phonetic_key(std::string_view token);

}  // namespace siao::matching
