#include "gateway/mapping/french_formats.hpp"

#include <array>
#include <cstdio>

#include "gateway/domain/dates.hpp"

namespace siao::mapping {
namespace {

bool digits(std::string_view s, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > s.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    value = value * 10 + (s[i] - '0');
  }
  out = value;
  return true;
}

bool all_digits(std::string_view s) {
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return !s.empty();
}

// "JJ/MM/AAAA" -> day, month, year as written (not yet checked as a date).
bool read_date_fr(std::string_view s, int& day, int& month, int& year) {
  return s.size() >= 10 && s[2] == '/' && s[5] == '/' && digits(s, 0, 2, day) && digits(s, 3, 2, month) &&
         digits(s, 6, 4, year);
}

template <typename... Args>
void append_format(std::string& out, const char* format, Args... args) {
  char buf[40];
  const int n = std::snprintf(buf, sizeof buf, format, args...);
  if (n > 0) out.append(buf, static_cast<std::size_t>(n) < sizeof buf ? static_cast<std::size_t>(n) : sizeof buf - 1);
}

struct Overseas {
  std::string_view national;  // the first four digits of the national number
  std::string_view country;   // its E.164 country code
};

constexpr std::array<Overseas, 11> kOverseas = {{{"0262", "262"},
                                                 {"0692", "262"},
                                                 {"0693", "262"},
                                                 {"0269", "262"},
                                                 {"0639", "262"},
                                                 {"0590", "590"},
                                                 {"0690", "590"},
                                                 {"0594", "594"},
                                                 {"0694", "594"},
                                                 {"0596", "596"},
                                                 {"0696", "596"}}};

constexpr const char* kDateFr =
    "is not a date JJ/MM/AAAA (00/MM/AAAA or 00/00/AAAA when the day, or the day and the month, are unknown)";
constexpr const char* kPhoneFr =
    "is not a phone number: 10 digits starting with 0, or 00 followed by an international number";
constexpr const char* kE164 = "is not a phone number in E.164 format (+ and 7 to 15 digits)";

}  // namespace

const char* date_fr_to_iso(std::string_view in, std::string& out) {
  int day = 0, month = 0, year = 0;
  if (in.size() != 10 || !read_date_fr(in, day, month, year) || (month == 0 && day != 0)) return kDateFr;
  const std::size_t start = out.size();
  out += domain::format(domain::PartialDate{year, month, day});
  // The API's own rules for partial dates: a real day, months 1 to 12, years 1900 to 2100.
  if (!domain::parse_partial_date(std::string_view(out).substr(start))) {
    out.resize(start);
    return kDateFr;
  }
  return nullptr;
}

const char* iso_to_date_fr(std::string_view in, std::string& out) {
  const auto date = domain::parse_partial_date(in);
  if (!date) return "is not a date YYYY, YYYY-MM or YYYY-MM-DD";
  append_format(out, "%02d/%02d/%04d", date->day, date->month, date->year);
  return nullptr;
}

const char* datetime_fr_paris_to_utc(std::string_view in, std::string& out) {
  int day = 0, month = 0, year = 0, hour = 0, minute = 0;
  if (in.size() != 16 || !read_date_fr(in, day, month, year) || in[10] != ' ' || !digits(in, 11, 2, hour) ||
      in[13] != ':' || !digits(in, 14, 2, minute) || !domain::is_valid(domain::CivilDate{year, month, day}) ||
      hour > 23 || minute > 59)
    return "is not a date and time JJ/MM/AAAA HH:MM";
  const auto instant = domain::paris_local_to_utc(domain::CivilDate{year, month, day}, hour, minute);
  if (!instant) return "is not a time in Paris: the clocks skip that hour when summer time starts";
  out += domain::rfc3339_utc(*instant);
  return nullptr;
}

const char* utc_to_datetime_fr_paris(std::string_view in, std::string& out) {
  const auto instant = domain::parse_rfc3339(in);
  if (!instant) return "is not an RFC 3339 date-time";
  const auto local = domain::utc_to_paris_local(*instant);
  append_format(out, "%02d/%02d/%04d %02d:%02d", local.date.day, local.date.month, local.date.year, local.hour,
                local.minute);
  return nullptr;
}

const char* phone_fr_to_e164(std::string_view in, std::string& out) {
  if (in.size() >= 2 && in[0] == '0' && in[1] == '0') {
    const std::string_view international = in.substr(2);
    if (international.size() < 7 || international.size() > 15 || international[0] == '0' || !all_digits(international))
      return kPhoneFr;
    out += '+';
    out += international;
    return nullptr;
  }
  if (in.size() != 10 || in[0] != '0' || !all_digits(in)) return kPhoneFr;
  std::string_view country = "33";
  for (const auto& o : kOverseas)
    if (in.substr(0, 4) == o.national) country = o.country;
  out += '+';
  out += country;
  out += in.substr(1);
  return nullptr;
}

const char* e164_to_phone_fr(std::string_view in, std::string& out) {
  if (in.size() < 8 || in.size() > 16 || in[0] != '+' || in[1] == '0' || !all_digits(in.substr(1))) return kE164;
  const std::string_view number = in.substr(1);
  // A French number (metropolitan or overseas) is written nationally: the country code becomes a 0.
  const auto national = [&](std::string_view country) {
    if (number.size() != country.size() + 9 || number.substr(0, country.size()) != country) return false;
    const std::string_view rest = number.substr(country.size());
    if (rest[0] == '0') return false;  // 0 then 0 would read as a foreign number
    if (country == "33") return true;
    for (const auto& o : kOverseas)
      if (o.country == country && rest.substr(0, 3) == o.national.substr(1)) return true;
    return false;
  };
  for (std::string_view country : {"33", "262", "590", "594", "596"}) {
    if (national(country)) {
      out += '0';
      out += number.substr(country.size());
      return nullptr;
    }
  }
  out += "00";
  out += number;
  return nullptr;
}

}  // namespace siao::mapping
