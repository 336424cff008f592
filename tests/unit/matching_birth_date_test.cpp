#include <doctest/doctest.h>

#include <string_view>

#include "gateway/domain/dates.hpp"
#include "gateway/matching/birth_date.hpp"

using siao::matching::compare_birth_dates;
using siao::matching::DateAgreement;
using siao::matching::DateComparison;

namespace {

DateComparison cmp(std::string_view a, std::string_view b) {
  const auto da = siao::domain::parse_partial_date(a);
  const auto db = siao::domain::parse_partial_date(b);
  REQUIRE(da.has_value());
  REQUIRE(db.has_value());
  const DateComparison ab = compare_birth_dates(*da, *db);
  const DateComparison ba = compare_birth_dates(*db, *da);
  CHECK(ab.agreement == ba.agreement);  // symmetric
  CHECK(ab.weight == ba.weight);
  return ab;
}

}  // namespace

TEST_CASE("matching birth dates equal or partial and consistent") {
  CHECK(cmp("1985-03-14", "1985-03-14").agreement == DateAgreement::same);
  CHECK(cmp("1985-03-14", "1985-03-14").weight == 1.0);
  CHECK(cmp("1985", "1985-03-14").agreement == DateAgreement::same);
  CHECK(cmp("1985-03", "1985-03-14").agreement == DateAgreement::same);
  CHECK(cmp("1985", "1985").agreement == DateAgreement::same);
  // The less precise, the less it says.
  CHECK(cmp("1985-03", "1985-03-14").weight < 1.0);
  CHECK(cmp("1985", "1985-03-14").weight < cmp("1985-03", "1985-03-14").weight);
  CHECK(cmp("1985", "1985-03-14").weight >= 0.75);
}

TEST_CASE("matching birth dates with day and month swapped") {
  const auto c = cmp("1985-03-04", "1985-04-03");
  CHECK(c.agreement == DateAgreement::day_month_swapped);
  CHECK(c.weight >= 0.75);
  CHECK(c.weight < 1.0);
  CHECK(cmp("1985-01-11", "1985-11-01").agreement == DateAgreement::day_month_swapped);
}

TEST_CASE("matching birth dates one digit off") {
  for (const auto* other : {"1985-03-15", "1984-03-14", "1985-08-14", "1995-03-14", "1985-03-24"}) {
    CAPTURE(other);
    const auto c = cmp("1985-03-14", other);
    CHECK(c.agreement == DateAgreement::one_digit_off);
    CHECK(c.weight >= 0.75);
    CHECK(c.weight < cmp("1985-03-04", "1985-04-03").weight + 0.001);
  }
  // Against a partial date, a digit off says less.
  const auto partial = cmp("1984", "1985-03-14");
  CHECK(partial.agreement == DateAgreement::one_digit_off);
  CHECK(partial.weight < 0.75);
}

TEST_CASE("matching birth dates with two neighbouring digits swapped") {
  CHECK(cmp("1985-03-12", "1985-03-21").agreement == DateAgreement::digits_swapped);
  CHECK(cmp("1958-03-14", "1985-03-14").agreement == DateAgreement::digits_swapped);
}

TEST_CASE("matching birth dates that only share a month or a year weigh little") {
  const auto month = cmp("1985-03-14", "1985-03-27");
  CHECK(month.agreement == DateAgreement::same_month);
  CHECK(month.weight < 0.5);
  const auto year = cmp("1985-03-14", "1985-09-27");
  CHECK(year.agreement == DateAgreement::same_year);
  CHECK(year.weight < month.weight);
  const auto different = cmp("1985-03-14", "1962-09-27");
  CHECK(different.agreement == DateAgreement::different);
  CHECK(different.weight == 0.0);
  CHECK(cmp("1985", "1962").agreement == DateAgreement::different);
}
