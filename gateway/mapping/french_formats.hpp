#pragma once
// The French formats partners write, and their canonical v2 forms. Each conversion appends its result to
// `out` and returns nullptr, or returns why `in` cannot be converted (a phrase to follow the quoted value).
#include <string>
#include <string_view>

namespace siao::mapping {

// "JJ/MM/AAAA", "00/MM/AAAA" (day unknown), "00/00/AAAA" (day and month unknown) <-> "YYYY-MM-DD", "YYYY-MM",
// "YYYY". A known day with an unknown month (15/00/1990) or a day the month does not have is refused; years
// from 1900 to 2100, as for every partial date of the API.
const char* date_fr_to_iso(std::string_view in, std::string& out);
const char* iso_to_date_fr(std::string_view in, std::string& out);

// "JJ/MM/AAAA HH:MM", Paris wall-clock time <-> RFC 3339 UTC with milliseconds ("2024-01-15T08:30:00.000Z").
// In October's repeated hour the first occurrence (summer time) is meant; March's skipped hour is refused.
// Outbound accepts any RFC 3339 offset and drops the seconds.
const char* datetime_fr_paris_to_utc(std::string_view in, std::string& out);
const char* utc_to_datetime_fr_paris(std::string_view in, std::string& out);

// French numbers: 10 digits starting with 0 (not 00) <-> E.164. Overseas prefixes: 0262, 0692, 0693, 0269,
// 0639 -> +262; 0590, 0690 -> +590; 0594, 0694 -> +594; 0596, 0696 -> +596; any other -> +33. A foreign
// number is written 00 and its international digits (0044... <-> +44...).
const char* phone_fr_to_e164(std::string_view in, std::string& out);
const char* e164_to_phone_fr(std::string_view in, std::string& out);

}  // namespace siao::mapping
