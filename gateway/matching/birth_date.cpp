#include "gateway/matching/birth_date.hpp"

#include <algorithm>
#include <array>
#include <cstddef>

namespace siao::matching {
namespace {

// Agreement weights. Equal at a precision: full date, year and month, year.
constexpr double kSameFullDate = 1.0;
constexpr double kSameYearMonth = 0.9;
constexpr double kSameYear = 0.8;
// Errors of a full date, each as likely a typing slip as the truth.
constexpr double kDayMonthSwapped = 0.8;
constexpr double kOneDigitOff = 0.75;
constexpr double kDigitsSwapped = 0.75;
// A digit off between dates known to the same precision (1985 and 1986,
// 1985-03 and 1985-04): a slip as likely as with full dates, but a year or
// a month alone is shared by more namesakes.
constexpr double kOneDigitOffPartial = 0.6;
// A digit off between a partial and a fuller date (1975 and 1976-11-26):
// more often another person of the same name than a slip.
constexpr double kOneDigitOffMixed = 0.3;
// Only part of two full dates agrees: as often a namesake born the same
// month or year as the same person, so these stay low.
constexpr double kOnlySameMonth = 0.3;
constexpr double kOnlySameYear = 0.15;

int precision(const domain::PartialDate& d) { return d.month == 0 ? 4 : d.day == 0 ? 6 : 8; }

// YYYYMMDD as digits; only the first precision() are meaningful.
std::array<char, 8> digits(const domain::PartialDate& d) {
  std::array<char, 8> out{};
  const int values[3] = {d.year, d.month, d.day};
  const int widths[3] = {4, 2, 2};
  std::size_t at = 0;
  for (int f = 0; f < 3; ++f) {
    int v = values[f];
    for (int k = widths[f] - 1; k >= 0; --k) {
      out[at + static_cast<std::size_t>(k)] = static_cast<char>('0' + v % 10);
      v /= 10;
    }
    at += static_cast<std::size_t>(widths[f]);
  }
  return out;
}

}  // namespace

DateComparison compare_birth_dates(const domain::PartialDate& a, const domain::PartialDate& b) {
  const int shared = std::min(precision(a), precision(b));
  const bool both_full = precision(a) == 8 && precision(b) == 8;
  const auto da = digits(a);
  const auto db = digits(b);

  std::size_t differing = 0;
  std::size_t first_difference = 0;
  for (std::size_t i = 0; i < static_cast<std::size_t>(shared); ++i) {
    if (da[i] != db[i] && differing++ == 0) first_difference = i;
  }
  if (differing == 0) {
    const double weight = shared == 8 ? kSameFullDate : shared == 6 ? kSameYearMonth : kSameYear;
    return {DateAgreement::same, weight};
  }
  if (both_full && a.year == b.year && a.month == b.day && a.day == b.month) {
    return {DateAgreement::day_month_swapped, kDayMonthSwapped};
  }
  if (differing == 1) {
    const double weight = both_full                       ? kOneDigitOff
                          : precision(a) == precision(b) ? kOneDigitOffPartial
                                                          : kOneDigitOffMixed;
    return {DateAgreement::one_digit_off, weight};
  }
  if (both_full && differing == 2) {
    const std::size_t i = first_difference;
    if (i + 1 < 8 && da[i] == db[i + 1] && da[i + 1] == db[i]) return {DateAgreement::digits_swapped, kDigitsSwapped};
  }
  if (both_full && a.year == b.year && a.month == b.month) return {DateAgreement::same_month, kOnlySameMonth};
  if (a.year == b.year && shared > 4) return {DateAgreement::same_year, kOnlySameYear};
  return {DateAgreement::different, 0.0};
}

}  // namespace siao::matching
