#pragma once
// Normalisation of names as French civil-status data writes them: every other
// comparison works on its output, so "Lefèvre", "LEFEVRE" and "le-fèvre" meet.
#include <string>
#include <string_view>
#include <vector>

namespace siao::matching {

// UTF-8 in, tokens out: case folded, accents of Latin letters removed by table
// (œ -> oe, æ -> ae, ß -> ss, combining marks dropped), and hyphens,
// apostrophes (' and ’), dots, commas and runs of spaces as separators.
// Letters of other scripts are kept as they are, so two such names still
// compare; invalid UTF-8 bytes separate tokens.
std::vector<std::string> normalise(std::string_view text);

// The same, appended to `tokens` (callers that reuse a vector avoid allocating).
void normalise_into(std::string_view text, std::vector<std::string>& tokens);

}  // namespace siao::matching
