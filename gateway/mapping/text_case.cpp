#include "gateway/mapping/text_case.hpp"

namespace siao::mapping {
namespace {

// Decodes a two-byte sequence (U+0080..U+07FF, where every letter handled here lies) at `pos`; returns its
// length, or 0 for anything else (ASCII, longer sequences, stray bytes), which is copied byte by byte.
std::size_t decode(std::string_view s, std::size_t pos, char32_t& cp) {
  const auto b0 = static_cast<unsigned char>(s[pos]);
  if (b0 >= 0xC2 && b0 <= 0xDF && pos + 1 < s.size()) {
    const auto b1 = static_cast<unsigned char>(s[pos + 1]);
    if ((b1 & 0xC0) != 0x80) return 0;
    cp = (static_cast<char32_t>(b0 & 0x1F) << 6) | (b1 & 0x3F);
    return 2;
  }
  return 0;
}

void encode(char32_t cp, std::string& out) {  // U+0080..U+07FF only
  out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
  out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
}

// Latin Extended-A pairs: upper case at even code points from U+0100 to U+0137 and U+014A to U+0177, at odd
// ones from U+0139 to U+0148 and U+0179 to U+017E. U+0130 and U+0131 (dotted and dotless i) do not pair.
bool extended_a_pair(char32_t cp, bool& is_upper) {
  if (cp == 0x130 || cp == 0x131) return false;
  if ((cp >= 0x100 && cp <= 0x137) || (cp >= 0x14A && cp <= 0x177)) {
    is_upper = cp % 2 == 0;
    return true;
  }
  if ((cp >= 0x139 && cp <= 0x148) || (cp >= 0x179 && cp <= 0x17E)) {
    is_upper = cp % 2 == 1;
    return true;
  }
  return false;
}

char32_t to_upper(char32_t cp) {
  if ((cp >= 0xE0 && cp <= 0xFE && cp != 0xF7)) return cp - 0x20;  // à..þ, not ÷
  if (cp == 0xFF) return 0x178;                                     // ÿ -> Ÿ
  if (bool upper = false; extended_a_pair(cp, upper)) return upper ? cp : cp - 1;
  if (cp >= 0x3B1 && cp <= 0x3CB && cp != 0x3C2) return cp - 0x20;  // α..ω, ϊ, ϋ
  if (cp == 0x3C2) return 0x3A3;                                     // final ς -> Σ
  if (cp == 0x3AC) return 0x386;                                     // ά
  if (cp >= 0x3AD && cp <= 0x3AF) return cp - 0x25;                  // έ, ή, ί
  if (cp == 0x3CC) return 0x38C;                                     // ό
  if (cp == 0x3CD || cp == 0x3CE) return cp - 0x3F;                  // ύ, ώ
  if (cp >= 0x430 && cp <= 0x44F) return cp - 0x20;                  // а..я
  if (cp >= 0x450 && cp <= 0x45F) return cp - 0x50;                  // ѐ..џ
  return cp;
}

char32_t to_lower(char32_t cp) {
  if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) return cp + 0x20;  // À..Þ, not ×
  if (cp == 0x178) return 0xFF;
  if (bool upper = false; extended_a_pair(cp, upper)) return upper ? cp + 1 : cp;
  if (cp >= 0x391 && cp <= 0x3AB && cp != 0x3A2) return cp + 0x20;
  if (cp == 0x386) return 0x3AC;
  if (cp >= 0x388 && cp <= 0x38A) return cp + 0x25;
  if (cp == 0x38C) return 0x3CC;
  if (cp == 0x38E || cp == 0x38F) return cp + 0x3F;
  if (cp >= 0x410 && cp <= 0x42F) return cp + 0x20;
  if (cp >= 0x400 && cp <= 0x40F) return cp + 0x50;
  return cp;
}

template <char32_t (*Map)(char32_t), char First, char Last, int Shift>
void append_mapped(std::string_view text, std::string& out) {
  out.reserve(out.size() + text.size());
  for (std::size_t pos = 0; pos < text.size();) {
    const char c = text[pos];
    if (c >= First && c <= Last) {
      out.push_back(static_cast<char>(c + Shift));
      ++pos;
      continue;
    }
    char32_t cp = 0;
    if (const std::size_t len = decode(text, pos, cp); len != 0) {
      encode(Map(cp), out);  // every mapping stays within U+0080..U+07FF
      pos += len;
      continue;
    }
    out.push_back(c);
    ++pos;
  }
}

}  // namespace

void append_upper(std::string_view text, std::string& out) { append_mapped<to_upper, 'a', 'z', 'A' - 'a'>(text, out); }
void append_lower(std::string_view text, std::string& out) { append_mapped<to_lower, 'A', 'Z', 'a' - 'A'>(text, out); }

}  // namespace siao::mapping
