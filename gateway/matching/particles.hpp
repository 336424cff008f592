#pragma once
// Particles of family names ("de", "le", "van", "ben"…): civil status writes
// "DE LA FONTAINE", a partner "FONTAINE", another "Delafontaine". Comparisons
// look at the significant words and, separately, at the name written in one piece.
#include <string>
#include <string_view>
#include <vector>

namespace siao::matching {

// Whether a normalised token is a particle (French, Dutch, German, Italian,
// Spanish, Portuguese and Arabic ones: de, du, des, d, le, la, les, l, van,
// von, der, den, di, da, del, della, dos, das, el, al, ben, ibn…).
bool is_particle(std::string_view token);

// Removes particles from the tokens of a family name, unless every token is
// one ("LE", "DE LA"): then the name is made of them and they all stay.
void drop_particles(std::vector<std::string>& tokens);

}  // namespace siao::matching
