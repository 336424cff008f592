#pragma once
// Comparison of two birth dates, each "YYYY", "YYYY-MM" or "YYYY-MM-DD"
// (siao::domain::PartialDate), as civil-status data gets them wrong: partly
// known, day and month swapped, a digit mistyped.
#include "gateway/domain/dates.hpp"

namespace siao::matching {

enum class DateAgreement {
  same,               // equal, or one partial and consistent with the other (1985 and 1985-03-14)
  day_month_swapped,  // 1985-03-04 and 1985-04-03
  one_digit_off,      // one digit of YYYYMMDD differs: 1985-03-14 and 1985-03-15, 1984-03-14, 1985-08-14
  digits_swapped,     // two neighbouring digits swapped: 1985-03-12 and 1985-03-21, 1958 and 1985
  same_month,         // same year and month, the day otherwise different
  same_year,          // only the year agrees
  different,
};

struct DateComparison {
  DateAgreement agreement = DateAgreement::different;
  double weight = 0.0;  // 0..1: how much this agreement says "same person"
};

// The closest agreement, with its weight (table in docs/matching.md). When a
// side is partial, the weight is that of the precision both share: 1985 and
// 1985-03-14 agree less than two equal full dates.
DateComparison compare_birth_dates(const domain::PartialDate& a, const domain::PartialDate& b);

}  // namespace siao::matching
