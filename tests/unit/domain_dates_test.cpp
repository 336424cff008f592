#include <doctest/doctest.h>

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "gateway/domain/dates.hpp"

using namespace std::chrono_literals;
using siao::domain::age_on;
using siao::domain::CivilDate;
using siao::domain::earliest;
using siao::domain::paris_date;
using siao::domain::paris_local_to_utc;
using siao::domain::ParisLocalTime;
using siao::domain::parse_civil_date;
using siao::domain::parse_partial_date;
using siao::domain::parse_rfc3339;
using siao::domain::PartialDate;
using siao::domain::rfc3339_utc;
using siao::domain::utc_to_paris_local;

namespace {

using TimePoint = std::chrono::system_clock::time_point;

// A UTC instant, written the way the tests think of it.
TimePoint utc(int y, int mo, int d, int h, int mi, int s = 0) {
  return std::chrono::sys_days{std::chrono::year{y} / mo / d} + std::chrono::hours{h} + std::chrono::minutes{mi} +
         std::chrono::seconds{s};
}

std::string show(const std::optional<TimePoint>& tp) { return tp ? rfc3339_utc(*tp) : "(nullopt)"; }

}  // namespace

TEST_CASE("parse_partial_date reads YYYY - YYYY-MM and YYYY-MM-DD") {
  struct Row {
    std::string_view text;
    PartialDate expected;
  };
  const Row rows[] = {
      {"1985", {1985, 0, 0}},       {"1985-03", {1985, 3, 0}},    {"1985-03-14", {1985, 3, 14}},
      {"1900", {1900, 0, 0}},       {"2100-12", {2100, 12, 0}},   {"1900-01-01", {1900, 1, 1}},
      {"2100-12-31", {2100, 12, 31}}, {"2026-01-31", {2026, 1, 31}}, {"2026-04-30", {2026, 4, 30}},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text);
    auto parsed = parse_partial_date(row.text);
    REQUIRE(parsed.has_value());
    CHECK(*parsed == row.expected);
    CHECK(format(*parsed) == row.text);
  }
}

TEST_CASE("parse_partial_date refuses impossible dates - years out of range and any other shape") {
  const std::string_view refused[] = {
      "",           "198",         "19850",       "1985-",       "1985-3",      "1985-03-",   "1985-03-1",
      "1985-13",    "1985-00",     "1985-03-00",  "1985-03-32",  "1985-02-31",  "1985-04-31", "2023-02-29",
      "1899",       "1899-12-31",  "2101",        "2101-01-01",  "0000",        "-1985",      " 1985",
      "1985 ",      "1985/03/14",  "1985-03-14T00:00:00Z", "1985-03-1a", "198a",   "+985",
      "\xef\xbc\x91\xef\xbc\x99\xef\xbc\x98\xef\xbc\x95",  // 1985 in full-width digits
  };
  for (auto text : refused) {
    CAPTURE(text);
    CHECK_FALSE(parse_partial_date(text).has_value());
  }
}

TEST_CASE("leap years: 2000 and 2024 have a 29 February - 1900 - 2100 and 2023 do not") {
  CHECK(parse_partial_date("2000-02-29").has_value());
  CHECK(parse_partial_date("2024-02-29").has_value());
  CHECK(parse_partial_date("1904-02-29").has_value());
  CHECK_FALSE(parse_partial_date("1900-02-29").has_value());
  CHECK_FALSE(parse_partial_date("2100-02-29").has_value());
  CHECK_FALSE(parse_partial_date("2023-02-29").has_value());
  CHECK_FALSE(parse_partial_date("2024-02-30").has_value());
  CHECK(is_valid(CivilDate{2000, 2, 29}));
  CHECK_FALSE(is_valid(CivilDate{1900, 2, 29}));
  CHECK_FALSE(is_valid(CivilDate{2026, 0, 1}));
  CHECK_FALSE(is_valid(CivilDate{2026, 1, 0}));
  CHECK_FALSE(is_valid(CivilDate{2026, -1, 1}));
  CHECK_FALSE(is_valid(CivilDate{40000, 1, 1}));
}

TEST_CASE("a partial date counts from its first possible day") {
  CHECK(earliest(PartialDate{1985, 0, 0}) == PartialDate{1985, 1, 1});
  CHECK(earliest(PartialDate{1985, 3, 0}) == PartialDate{1985, 3, 1});
  CHECK(earliest(PartialDate{1985, 3, 14}) == PartialDate{1985, 3, 14});
}

TEST_CASE("parse_civil_date takes full dates only") {
  CHECK(parse_civil_date("2026-03-29") == CivilDate{2026, 3, 29});
  CHECK_FALSE(parse_civil_date("2026-03").has_value());
  CHECK_FALSE(parse_civil_date("2026").has_value());
  CHECK_FALSE(parse_civil_date("2026-02-29").has_value());
  CHECK(format(CivilDate{2026, 3, 9}) == "2026-03-09");
}

TEST_CASE("age_on counts full years from the earliest possible birth day") {
  struct Row {
    std::string_view birth;
    CivilDate day;
    int age;
  };
  const Row rows[] = {
      {"2008-11-28", {2026, 11, 28}, 18},  // 18th birthday today
      {"2008-11-28", {2026, 11, 27}, 17},  // ... tomorrow
      {"2008-11-29", {2026, 11, 28}, 17},
      {"2008", {2026, 1, 1}, 18},  // counts from 2008-01-01
      {"2008", {2025, 12, 31}, 17},
      {"2008-11", {2026, 11, 1}, 18},  // counts from 2008-11-01
      {"2008-11", {2026, 10, 31}, 17},
      {"2008-12", {2026, 11, 28}, 17},
      {"2008-02-29", {2026, 2, 28}, 17},  // non-leap year: one year older on 1 March
      {"2008-02-29", {2026, 3, 1}, 18},
      {"2008-02-29", {2028, 2, 28}, 19},  // leap year: on 29 February
      {"2008-02-29", {2028, 2, 29}, 20},
      {"1985-03-14", {2026, 3, 14}, 41},
      {"2026-11-28", {2026, 11, 28}, 0},
      {"2026-12", {2026, 11, 28}, -1},  // born after the day: negative, so never an adult
  };
  for (const auto& row : rows) {
    CAPTURE(row.birth);
    CAPTURE(format(row.day));
    auto birth = parse_partial_date(row.birth);
    REQUIRE(birth.has_value());
    CHECK(age_on(*birth, row.day) == row.age);
  }
}

TEST_CASE("paris_date is the calendar day in Paris - CET in winter and CEST in summer") {
  struct Row {
    TimePoint instant;
    CivilDate date;
  };
  const Row rows[] = {
      {utc(2026, 1, 1, 22, 59, 59), {2026, 1, 1}},  // 23:59:59 CET
      {utc(2026, 1, 1, 23, 0), {2026, 1, 2}},       // 00:00 CET
      {utc(2026, 7, 14, 21, 59, 59), {2026, 7, 14}},  // 23:59:59 CEST
      {utc(2026, 7, 14, 22, 0), {2026, 7, 15}},       // 00:00 CEST
      {utc(2026, 12, 31, 22, 59), {2026, 12, 31}},
      {utc(2026, 12, 31, 23, 0), {2027, 1, 1}},  // new year in Paris, not yet in UTC
      {utc(2026, 3, 28, 22, 59), {2026, 3, 28}},  // the night of the March change
      {utc(2026, 3, 28, 23, 0), {2026, 3, 29}},
      {utc(2026, 3, 29, 21, 59), {2026, 3, 29}},  // that evening, already CEST
      {utc(2026, 3, 29, 22, 0), {2026, 3, 30}},
      {utc(2026, 10, 24, 21, 59), {2026, 10, 24}},  // the night of the October change: CEST
      {utc(2026, 10, 24, 22, 0), {2026, 10, 25}},
      {utc(2026, 10, 25, 22, 59), {2026, 10, 25}},  // that evening, back to CET
      {utc(2026, 10, 25, 23, 0), {2026, 10, 26}},
  };
  for (const auto& row : rows) {
    CAPTURE(rfc3339_utc(row.instant));
    CHECK(paris_date(row.instant) == row.date);
  }
}

TEST_CASE("utc_to_paris_local moves the clock at 01:00 UTC on the last Sundays of March and October") {
  struct Row {
    TimePoint instant;
    ParisLocalTime local;
  };
  const Row rows[] = {
      {utc(2026, 3, 29, 0, 59, 59), {{2026, 3, 29}, 1, 59}},
      {utc(2026, 3, 29, 1, 0), {{2026, 3, 29}, 3, 0}},  // 02:00-02:59 never shows
      {utc(2026, 10, 25, 0, 0), {{2026, 10, 25}, 2, 0}},  // first 02:00 (CEST)
      {utc(2026, 10, 25, 0, 59), {{2026, 10, 25}, 2, 59}},
      {utc(2026, 10, 25, 1, 0), {{2026, 10, 25}, 2, 0}},  // second 02:00 (CET)
      {utc(2026, 10, 25, 1, 59), {{2026, 10, 25}, 2, 59}},
      {utc(2026, 10, 25, 2, 0), {{2026, 10, 25}, 3, 0}},
      // Other years, to show the Sunday is computed: 30 March and 26 October 2025, 31 March 2024.
      {utc(2025, 3, 30, 0, 59), {{2025, 3, 30}, 1, 59}},
      {utc(2025, 3, 30, 1, 0), {{2025, 3, 30}, 3, 0}},
      {utc(2025, 10, 26, 0, 59), {{2025, 10, 26}, 2, 59}},
      {utc(2025, 10, 26, 1, 0), {{2025, 10, 26}, 2, 0}},
      {utc(2024, 3, 31, 1, 0), {{2024, 3, 31}, 3, 0}},
      {utc(2026, 3, 22, 1, 0), {{2026, 3, 22}, 2, 0}},  // a Sunday, but not the last one
  };
  for (const auto& row : rows) {
    CAPTURE(rfc3339_utc(row.instant));
    CHECK(utc_to_paris_local(row.instant) == row.local);
  }
}

TEST_CASE("paris_local_to_utc: the skipped hour of March is invalid - the repeated hour of October is summer time") {
  struct Row {
    CivilDate date;
    int hour = 0;
    int minute = 0;
    std::optional<TimePoint> expected;
  };
  const Row rows[] = {
      {{2026, 1, 15}, 12, 0, utc(2026, 1, 15, 11, 0)},
      {{2026, 7, 15}, 12, 0, utc(2026, 7, 15, 10, 0)},
      {{2026, 3, 29}, 0, 0, utc(2026, 3, 28, 23, 0)},
      {{2026, 3, 29}, 1, 59, utc(2026, 3, 29, 0, 59)},
      {{2026, 3, 29}, 2, 0, std::nullopt},
      {{2026, 3, 29}, 2, 30, std::nullopt},
      {{2026, 3, 29}, 2, 59, std::nullopt},
      {{2026, 3, 29}, 3, 0, utc(2026, 3, 29, 1, 0)},
      {{2026, 10, 25}, 0, 0, utc(2026, 10, 24, 22, 0)},
      {{2026, 10, 25}, 1, 59, utc(2026, 10, 24, 23, 59)},
      {{2026, 10, 25}, 2, 0, utc(2026, 10, 25, 0, 0)},  // first occurrence
      {{2026, 10, 25}, 2, 30, utc(2026, 10, 25, 0, 30)},
      {{2026, 10, 25}, 2, 59, utc(2026, 10, 25, 0, 59)},
      {{2026, 10, 25}, 3, 0, utc(2026, 10, 25, 2, 0)},
      {{2026, 10, 25}, 23, 59, utc(2026, 10, 25, 22, 59)},
      {{2026, 2, 29}, 12, 0, std::nullopt},
      {{2026, 4, 31}, 12, 0, std::nullopt},
      {{2026, 1, 15}, 24, 0, std::nullopt},
      {{2026, 1, 15}, -1, 0, std::nullopt},
      {{2026, 1, 15}, 12, 60, std::nullopt},
      {{2026, 1, 15}, 12, -1, std::nullopt},
      {{9999, 1, 15}, 12, 0, std::nullopt},  // beyond what the clock holds
  };
  for (const auto& row : rows) {
    CAPTURE(format(row.date));
    CAPTURE(row.hour);
    CAPTURE(row.minute);
    CHECK(show(paris_local_to_utc(row.date, row.hour, row.minute)) == show(row.expected));
  }
}

TEST_CASE("local and UTC round-trip every minute around both 2026 changes - but for October's second pass") {
  for (auto start : {utc(2026, 3, 28, 12, 0), utc(2026, 10, 24, 12, 0)}) {
    for (auto t = start; t < start + 48h; t += 1min) {
      const auto local = utc_to_paris_local(t);
      const auto back = paris_local_to_utc(local.date, local.hour, local.minute);
      REQUIRE(back.has_value());
      const bool second_pass = t >= utc(2026, 10, 25, 1, 0) && t < utc(2026, 10, 25, 2, 0);
      if (*back != (second_pass ? t - 1h : t)) FAIL_CHECK("no round trip for " << rfc3339_utc(t));
    }
  }
}

TEST_CASE("rfc3339_utc writes milliseconds and Z - truncating toward the past") {
  CHECK(rfc3339_utc(utc(2026, 11, 28, 23, 24, 14) + 123ms) == "2026-11-28T23:24:14.123Z");
  CHECK(rfc3339_utc(utc(2026, 11, 28, 23, 24, 14) + 123999us) == "2026-11-28T23:24:14.123Z");
  CHECK(rfc3339_utc(TimePoint{}) == "1970-01-01T00:00:00.000Z");
  CHECK(rfc3339_utc(TimePoint{} - 1ns) == "1969-12-31T23:59:59.999Z");
  CHECK(rfc3339_utc(utc(2024, 2, 29, 0, 0)) == "2024-02-29T00:00:00.000Z");
}

TEST_CASE("parse_rfc3339 accepts Z and offsets - with or without a fraction") {
  const auto base = utc(2026, 11, 28, 23, 24, 14);
  struct Row {
    std::string_view text;
    TimePoint expected;
  };
  const Row rows[] = {
      {"2026-11-28T23:24:14Z", base},
      {"2026-11-28T23:24:14.123Z", base + 123ms},
      {"2026-11-28T23:24:14.1Z", base + 100ms},
      {"2026-11-28T23:24:14.123456789Z", base + 123456789ns},
      {"2026-11-28T23:24:14.123456789999Z", base + 123456789ns},  // past the nanosecond: dropped
      {"2026-11-28t23:24:14z", base},
      {"2026-11-29T00:24:14.123+01:00", base + 123ms},
      {"2026-11-28T17:54:14-05:30", base},
      {"2026-11-28T23:24:14+00:00", base},
      {"2026-11-28T23:24:14-00:00", base},
      {"2026-11-29T23:23:14+23:59", base},
      {"1969-12-31T23:59:59.999Z", TimePoint{} - 1ms},
      {"2000-02-29T00:00:00Z", utc(2000, 2, 29, 0, 0)},
  };
  for (const auto& row : rows) {
    CAPTURE(row.text);
    CHECK(show(parse_rfc3339(row.text)) == show(row.expected));
    CHECK(parse_rfc3339(row.text) == row.expected);
  }
}

TEST_CASE("parse_rfc3339 refuses what is not an RFC 3339 date-time") {
  const std::string_view refused[] = {
      "",
      "2026-11-28",
      "2026-11-28T23:24Z",
      "2026-11-28T23:24:14",  // no offset
      "2026-11-28 23:24:14Z",
      "2026-11-28T24:00:00Z",
      "2026-11-28T23:60:00Z",
      "2026-11-28T23:59:60Z",  // leap second
      "2026-02-29T00:00:00Z",
      "1900-02-29T00:00:00Z",
      "2026-13-01T00:00:00Z",
      "2026-00-01T00:00:00Z",
      "2026-11-28T23:24:14.Z",
      "2026-11-28T23:24:14.123",
      "2026-11-28T23:24:14.123 Z",
      "2026-11-28T23:24:14+0100",
      "2026-11-28T23:24:14+01",
      "2026-11-28T23:24:14+1:00",
      "2026-11-28T23:24:14+24:00",
      "2026-11-28T23:24:14+01:60",
      "2026-11-28T23:24:14Zjunk",
      "2026-11-28T23:24:14+01:00junk",
      "2026-11-28T23:24:14UTC",
      "26-11-28T23:24:14Z",
      "2026-1-28T23:24:14Z",
      "9999-12-31T23:59:59Z",  // beyond what the clock holds
      "0001-01-01T00:00:00Z",
  };
  for (auto text : refused) {
    CAPTURE(text);
    CHECK_FALSE(parse_rfc3339(text).has_value());
  }
}

TEST_CASE("rfc3339_utc and parse_rfc3339 round-trip") {
  for (std::string_view text : {"2026-11-28T23:24:14.123Z", "1970-01-01T00:00:00.000Z", "2026-03-29T01:00:00.000Z",
                                "2262-01-01T00:00:00.000Z", "1700-06-30T12:00:00.999Z"}) {
    CAPTURE(text);
    auto parsed = parse_rfc3339(text);
    REQUIRE(parsed.has_value());
    CHECK(rfc3339_utc(*parsed) == text);
  }
  const auto now = std::chrono::floor<std::chrono::milliseconds>(std::chrono::system_clock::now());
  CHECK(parse_rfc3339(rfc3339_utc(now)) == TimePoint{now});
}
