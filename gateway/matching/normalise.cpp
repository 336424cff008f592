#include "gateway/matching/normalise.hpp"

#include <array>
#include <cstdint>

namespace siao::matching {
namespace {

// ASCII replacement of U+00C0..U+017F (Latin-1 Supplement letters and Latin
// Extended-A): every letter French civil status writes, and those of the
// European names it records. "" marks × and ÷, which separate.
constexpr char32_t kTableFirst = 0xC0;
constexpr std::array<std::string_view, 0x180 - 0xC0> kLatin = {
    // U+00C0 À Á Â Ã Ä Å Æ Ç  È É Ê Ë Ì Í Î Ï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00D0 Ð Ñ Ò Ó Ô Õ Ö ×  Ø Ù Ú Û Ü Ý Þ ß
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "ss",
    // U+00E0 à á â ã ä å æ ç  è é ê ë ì í î ï
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    // U+00F0 ð ñ ò ó ô õ ö ÷  ø ù ú û ü ý þ ÿ
    "d", "n", "o", "o", "o", "o", "o", "", "o", "u", "u", "u", "u", "y", "th", "y",
    // U+0100 Ā ā Ă ă Ą ą Ć ć  Ĉ ĉ Ċ ċ Č č Ď ď
    "a", "a", "a", "a", "a", "a", "c", "c", "c", "c", "c", "c", "c", "c", "d", "d",
    // U+0110 Đ đ Ē ē Ĕ ĕ Ė ė  Ę ę Ě ě Ĝ ĝ Ğ ğ
    "d", "d", "e", "e", "e", "e", "e", "e", "e", "e", "e", "e", "g", "g", "g", "g",
    // U+0120 Ġ ġ Ģ ģ Ĥ ĥ Ħ ħ  Ĩ ĩ Ī ī Ĭ ĭ Į į
    "g", "g", "g", "g", "h", "h", "h", "h", "i", "i", "i", "i", "i", "i", "i", "i",
    // U+0130 İ ı Ĳ ĳ Ĵ ĵ Ķ ķ  ĸ Ĺ ĺ Ļ ļ Ľ ľ Ŀ
    "i", "i", "ij", "ij", "j", "j", "k", "k", "k", "l", "l", "l", "l", "l", "l", "l",
    // U+0140 ŀ Ł ł Ń ń Ņ ņ Ň  ň ŉ Ŋ ŋ Ō ō Ŏ ŏ
    "l", "l", "l", "n", "n", "n", "n", "n", "n", "n", "n", "n", "o", "o", "o", "o",
    // U+0150 Ő ő Œ œ Ŕ ŕ Ŗ ŗ  Ř ř Ś ś Ŝ ŝ Ş ş
    "o", "o", "oe", "oe", "r", "r", "r", "r", "r", "r", "s", "s", "s", "s", "s", "s",
    // U+0160 Š š Ţ ţ Ť ť Ŧ ŧ  Ũ ũ Ū ū Ŭ ŭ Ů ů
    "s", "s", "t", "t", "t", "t", "t", "t", "u", "u", "u", "u", "u", "u", "u", "u",
    // U+0170 Ű ű Ų ų Ŵ ŵ Ŷ ŷ  Ÿ Ź ź Ż ż Ž ž ſ
    "u", "u", "u", "u", "w", "w", "y", "y", "y", "z", "z", "z", "z", "z", "z", "s",
};

enum class Kind { letters, separator, dropped, kept };

struct Decoded {
  char32_t code = 0;
  std::size_t length = 1;  // bytes consumed
  bool valid = false;
};

Decoded decode(std::string_view s, std::size_t i) {
  const auto b0 = static_cast<unsigned char>(s[i]);
  if (b0 < 0x80) return {b0, 1, true};
  std::size_t length = 0;
  char32_t code = 0;
  char32_t minimum = 0;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, code = b0 & 0x1F, minimum = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, code = b0 & 0x0F, minimum = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, code = b0 & 0x07, minimum = 0x10000;
  } else {
    return {};
  }
  if (i + length > s.size()) return {};
  for (std::size_t k = 1; k < length; ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if ((b & 0xC0) != 0x80) return {};
    code = (code << 6) | (b & 0x3F);
  }
  if (code < minimum || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF)) return {};
  return {code, length, true};
}

// What a code point becomes; `letters` is set for Kind::letters.
Kind classify(char32_t c, std::string_view& letters, char& ascii) {
  if (c < 0x80) {
    if (c >= 'A' && c <= 'Z') {
      ascii = static_cast<char>(c - 'A' + 'a');
      letters = std::string_view(&ascii, 1);
      return Kind::letters;
    }
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      ascii = static_cast<char>(c);
      letters = std::string_view(&ascii, 1);
      return Kind::letters;
    }
    return Kind::separator;  // space, hyphen, apostrophe, dot, comma and any other ASCII sign
  }
  if (c >= kTableFirst && c < kTableFirst + kLatin.size()) {
    letters = kLatin[c - kTableFirst];
    return letters.empty() ? Kind::separator : Kind::letters;
  }
  switch (c) {  // Romanian comma-below letters, written in some foreign civil-status records
    case 0x218: case 0x219: letters = "s"; return Kind::letters;
    case 0x21A: case 0x21B: letters = "t"; return Kind::letters;
    default: break;
  }
  if (c >= 0x300 && c <= 0x36F) return Kind::dropped;  // combining accents (decomposed input)
  if (c <= 0xBF) return Kind::separator;                 // C1 controls, no-break space, « », ·
  if (c == 0x2BC || c == 0x2BB || (c >= 0x2000 && c <= 0x206F) || c == 0x3000 || c == 0xFEFF) {
    return Kind::separator;  // modifier apostrophes, typographic spaces, dashes and quotes (’ ‘ ‐ –)
  }
  return Kind::kept;
}

}  // namespace

void normalise_into(std::string_view text, std::vector<std::string>& tokens) {
  std::string current;
  auto flush = [&] {
    if (!current.empty()) {
      tokens.push_back(std::move(current));
      current.clear();
    }
  };
  std::size_t i = 0;
  while (i < text.size()) {
    const Decoded d = decode(text, i);
    if (!d.valid) {
      flush();
      ++i;
      continue;
    }
    std::string_view letters;
    char ascii = 0;
    switch (classify(d.code, letters, ascii)) {
      case Kind::letters: current.append(letters); break;
      case Kind::separator: flush(); break;
      case Kind::dropped: break;
      case Kind::kept: current.append(text.substr(i, d.length)); break;
    }
    i += d.length;
  }
  flush();
}

std::vector<std::string> normalise(std::string_view text) {
  std::vector<std::string> tokens;
  normalise_into(text, tokens);
  return tokens;
}

}  // namespace siao::matching
