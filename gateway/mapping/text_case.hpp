#pragma once
// Upper and lower case of UTF-8 text without a locale: ASCII, Latin-1, Latin Extended-A, Greek and Cyrillic
// letters change case ("Zoé" -> "ZOÉ", "Łukasz" -> "ŁUKASZ"); every other character, and any byte that is
// not valid UTF-8, is kept as it is. One character never becomes two: "ß" stays "ß".
#include <string>
#include <string_view>

namespace siao::mapping {

void append_upper(std::string_view text, std::string& out);
void append_lower(std::string_view text, std::string& out);

}  // namespace siao::mapping
