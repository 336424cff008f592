#pragma once
// Calendar rules of the API: partial birth dates, the Paris calendar day, ages
// and RFC 3339 timestamps. Pure functions; no time-zone database is needed
// (GCC 12's libstdc++ has none), the EU summer-time rule is coded directly.
#include <chrono>
#include <compare>
#include <optional>
#include <string>
#include <string_view>

namespace siao::domain {

// A birth date as known: month and day are 0 when unknown (day is 0 whenever month is).
struct PartialDate {
  int year = 0;
  int month = 0;
  int day = 0;
  friend bool operator==(const PartialDate&, const PartialDate&) = default;
};

// "YYYY", "YYYY-MM" or "YYYY-MM-DD", a real day of a year from 1900 to 2100; nullopt otherwise.
std::optional<PartialDate> parse_partial_date(std::string_view text);
// The inverse of parse_partial_date: as much of the date as is known.
std::string format(const PartialDate& date);
// A partial date counts from its first possible day: 1985 -> 1985-01-01, 1985-03 -> 1985-03-01.
PartialDate earliest(const PartialDate& date);

// A full calendar day, with no time zone attached.
struct CivilDate {
  int year = 0;
  int month = 0;
  int day = 0;
  friend bool operator==(const CivilDate&, const CivilDate&) = default;
  friend auto operator<=>(const CivilDate&, const CivilDate&) = default;
};

bool is_valid(const CivilDate& date);  // a real day of the proleptic Gregorian calendar
// "YYYY-MM-DD" only, a real day of a year from 1900 to 2100.
std::optional<CivilDate> parse_civil_date(std::string_view text);
std::string format(const CivilDate& date);  // "YYYY-MM-DD"

// Europe/Paris wall-clock time, to the minute.
struct ParisLocalTime {
  CivilDate date;
  int hour = 0;
  int minute = 0;
  friend bool operator==(const ParisLocalTime&, const ParisLocalTime&) = default;
};

// Paris follows the EU rule (applied to every year, though it only dates from 1996):
// CET (UTC+1), and CEST (UTC+2) from the last Sunday of March 01:00 UTC
// to the last Sunday of October 01:00 UTC.
ParisLocalTime utc_to_paris_local(std::chrono::system_clock::time_point instant);
CivilDate paris_date(std::chrono::system_clock::time_point instant);
// The instant a Paris wall-clock time names. A time in October's repeated hour is
// its first occurrence (still summer time); a time in March's skipped hour, an
// impossible date, an hour outside 0-23 or a minute outside 0-59 is nullopt.
std::optional<std::chrono::system_clock::time_point> paris_local_to_utc(CivilDate date, int hour, int minute);

// Full years on `day` of someone born on `birth` (from its earliest possible day).
// Someone born on 29 February turns a year older on 1 March in non-leap years.
// A birth after `day` gives a negative age.
int age_on(PartialDate birth, CivilDate day);

// "2026-11-28T23:24:14.123Z": UTC, milliseconds truncated toward the past.
std::string rfc3339_utc(std::chrono::system_clock::time_point instant);
// RFC 3339 date-time: "Z" or "±HH:MM" offset (lower-case "t"/"z" too), optional
// fraction of any length (kept to the nanosecond). Refuses leap seconds (:60),
// impossible dates and instants the clock cannot represent.
std::optional<std::chrono::system_clock::time_point> parse_rfc3339(std::string_view text);

}  // namespace siao::domain
