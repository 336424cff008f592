#include "gateway/domain/dates.hpp"

#include <cstdio>

namespace siao::domain {

namespace chr = std::chrono;
using TimePoint = chr::system_clock::time_point;

namespace {

constexpr int kMinBirthYear = 1900;
constexpr int kMaxBirthYear = 2100;

// Reads exactly `count` ASCII digits at `pos`; std::isdigit would accept locale digits.
bool read_digits(std::string_view text, std::size_t pos, std::size_t count, int& out) {
  if (pos + count > text.size()) return false;
  int value = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    const char c = text[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  out = value;
  return true;
}

chr::year_month_day to_ymd(const CivilDate& d) {
  return chr::year{d.year} / chr::month{static_cast<unsigned>(d.month)} / chr::day{static_cast<unsigned>(d.day)};
}

CivilDate from_ymd(const chr::year_month_day& ymd) {
  return {static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
          static_cast<int>(static_cast<unsigned>(ymd.day()))};
}

// The days whose every instant (with two days of margin for offsets and times of
// day) the nanosecond system_clock can hold: arithmetic beyond them is signed overflow.
// duration_cast truncates toward zero, so the bounds themselves never overflow.
constexpr chr::sys_days kFirstSafeDay =
    chr::sys_days{chr::duration_cast<chr::days>(TimePoint::min().time_since_epoch())} + chr::days{2};
constexpr chr::sys_days kLastSafeDay =
    chr::sys_days{chr::duration_cast<chr::days>(TimePoint::max().time_since_epoch())} - chr::days{2};

bool is_safe(chr::sys_days day) { return day >= kFirstSafeDay && day <= kLastSafeDay; }

// Whole seconds, so that summer-time bounds of the clock's first and last years stay representable.
bool is_paris_summer_time(chr::sys_seconds instant) {
  const chr::year y = chr::year_month_day{chr::floor<chr::days>(instant)}.year();
  const chr::sys_seconds start = chr::sys_days{y / chr::March / chr::Sunday[chr::last]} + chr::hours{1};
  const chr::sys_seconds end = chr::sys_days{y / chr::October / chr::Sunday[chr::last]} + chr::hours{1};
  return instant >= start && instant < end;
}

}  // namespace

std::optional<PartialDate> parse_partial_date(std::string_view text) {
  PartialDate date;
  if (!read_digits(text, 0, 4, date.year)) return std::nullopt;
  if (date.year < kMinBirthYear || date.year > kMaxBirthYear) return std::nullopt;
  if (text.size() == 4) return date;
  if (text.size() < 7 || text[4] != '-' || !read_digits(text, 5, 2, date.month)) return std::nullopt;
  if (date.month < 1 || date.month > 12) return std::nullopt;
  if (text.size() == 7) return date;
  if (text.size() != 10 || text[7] != '-' || !read_digits(text, 8, 2, date.day)) return std::nullopt;
  if (!is_valid(CivilDate{date.year, date.month, date.day})) return std::nullopt;
  return date;
}

// The buffers below hold any int values in their formats: snprintf never cuts, and its count is not needed.
std::string format(const PartialDate& date) {
  char buf[48];
  if (date.month == 0)
    (void)std::snprintf(buf, sizeof buf, "%04d", date.year);
  else if (date.day == 0)
    (void)std::snprintf(buf, sizeof buf, "%04d-%02d", date.year, date.month);
  else
    (void)std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buf;
}

PartialDate earliest(const PartialDate& date) {
  return {date.year, date.month == 0 ? 1 : date.month, date.month == 0 || date.day == 0 ? 1 : date.day};
}

bool is_valid(const CivilDate& date) {
  // chrono::year only spans -32767..32767; months and days must not wrap when cast to unsigned.
  if (date.year < -32767 || date.year > 32767 || date.month < 1 || date.month > 12 || date.day < 1 || date.day > 31)
    return false;
  return to_ymd(date).ok();
}

std::optional<CivilDate> parse_civil_date(std::string_view text) {
  auto partial = parse_partial_date(text);
  if (!partial || partial->day == 0) return std::nullopt;
  return CivilDate{partial->year, partial->month, partial->day};
}

std::string format(const CivilDate& date) {
  char buf[48];
  (void)std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", date.year, date.month, date.day);
  return buf;
}

ParisLocalTime utc_to_paris_local(TimePoint instant) {
  // Split into day and time of day first: adding the offset to the instant itself
  // could overflow at the ends of the clock's range.
  const chr::sys_seconds seconds = chr::floor<chr::seconds>(instant);
  chr::sys_days day = chr::floor<chr::days>(seconds);
  auto time_of_day = seconds - day + chr::hours{is_paris_summer_time(seconds) ? 2 : 1};
  if (time_of_day >= chr::days{1}) {
    time_of_day -= chr::days{1};
    day += chr::days{1};
  }
  const chr::hh_mm_ss hms{time_of_day};
  return {from_ymd(chr::year_month_day{day}), static_cast<int>(hms.hours().count()),
          static_cast<int>(hms.minutes().count())};
}

CivilDate paris_date(TimePoint instant) { return utc_to_paris_local(instant).date; }

std::optional<TimePoint> paris_local_to_utc(CivilDate date, int hour, int minute) {
  if (!is_valid(date) || hour < 0 || hour > 23 || minute < 0 || minute > 59) return std::nullopt;
  const chr::sys_days day{to_ymd(date)};
  if (!is_safe(day)) return std::nullopt;
  // The wall-clock reading as if it were UTC; the real instant is one or two hours earlier.
  // cppcheck-suppress redundantAssignment ; nothing is assigned: cppcheck 2.10 misreads the chrono sum
  const chr::sys_seconds wall = day + chr::hours{hour} + chr::minutes{minute};
  // Summer time first: in October's repeated hour both readings exist and the first one wins.
  if (const auto summer = wall - chr::hours{2}; is_paris_summer_time(summer)) return TimePoint{summer};
  if (const auto winter = wall - chr::hours{1}; !is_paris_summer_time(winter)) return TimePoint{winter};
  return std::nullopt;  // March's skipped hour
}

int age_on(PartialDate birth, CivilDate day) {
  const PartialDate from = earliest(birth);
  int years = day.year - from.year;
  // Comparing (month, day) pairs makes a 29 February birthday fall on 1 March in non-leap years.
  if (day.month < from.month || (day.month == from.month && day.day < from.day)) --years;
  return years;
}

std::string rfc3339_utc(TimePoint instant) {
  const auto ms = chr::floor<chr::milliseconds>(instant);
  const auto day = chr::floor<chr::days>(ms);
  const CivilDate date = from_ymd(chr::year_month_day{day});
  const chr::hh_mm_ss hms{ms - day};
  char buf[96];
  (void)std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", date.year, date.month, date.day,
                      static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                      static_cast<int>(hms.seconds().count()), static_cast<int>(hms.subseconds().count()));
  return buf;
}

std::optional<TimePoint> parse_rfc3339(std::string_view text) {
  // date-time = YYYY-MM-DD "T" HH:MM:SS [.frac] ("Z" / ("+"/"-") HH:MM)
  CivilDate date;
  int hour = 0, minute = 0, second = 0;
  if (!read_digits(text, 0, 4, date.year) || text.size() < 20 || text[4] != '-' ||
      !read_digits(text, 5, 2, date.month) || text[7] != '-' || !read_digits(text, 8, 2, date.day) ||
      (text[10] != 'T' && text[10] != 't') || !read_digits(text, 11, 2, hour) || text[13] != ':' ||
      !read_digits(text, 14, 2, minute) || text[16] != ':' || !read_digits(text, 17, 2, second))
    return std::nullopt;
  if (!is_valid(date) || hour > 23 || minute > 59 || second > 59) return std::nullopt;

  std::size_t pos = 19;
  chr::nanoseconds fraction{0};
  if (text[pos] == '.') {
    ++pos;
    const std::size_t first = pos;
    long long scale = 100'000'000;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      // Digits past the ninth are below the clock's resolution: read, then dropped.
      fraction += chr::nanoseconds{(text[pos] - '0') * scale};
      scale /= 10;
      ++pos;
    }
    if (pos == first) return std::nullopt;
  }

  chr::minutes offset{0};
  if (pos == text.size()) return std::nullopt;
  if (text[pos] == 'Z' || text[pos] == 'z') {
    ++pos;
  } else if (text[pos] == '+' || text[pos] == '-') {
    int off_h = 0, off_m = 0;
    if (!read_digits(text, pos + 1, 2, off_h) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !read_digits(text, pos + 4, 2, off_m) || off_h > 23 || off_m > 59)
      return std::nullopt;
    offset = chr::hours{off_h} + chr::minutes{off_m};
    if (text[pos] == '-') offset = -offset;
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  const chr::sys_days day{to_ymd(date)};
  if (!is_safe(day)) return std::nullopt;
  const chr::sys_seconds utc = day + chr::hours{hour} + chr::minutes{minute} + chr::seconds{second} - offset;
  return chr::time_point_cast<TimePoint::duration>(TimePoint{utc} + fraction);
}

}  // namespace siao::domain
