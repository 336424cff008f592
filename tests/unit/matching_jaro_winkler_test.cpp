#include <doctest/doctest.h>

#include <string>

#include "gateway/matching/jaro_winkler.hpp"

using siao::matching::jaro_winkler;
using siao::matching::one_typo_apart;

TEST_CASE("matching jaro_winkler gives the textbook values") {
  // Winkler's examples.
  CHECK(jaro_winkler("martha", "marhta") == doctest::Approx(0.961).epsilon(0.001));
  CHECK(jaro_winkler("dwayne", "duane") == doctest::Approx(0.840).epsilon(0.001));
  CHECK(jaro_winkler("dixon", "dicksonx") == doctest::Approx(0.813).epsilon(0.001));
  // Symmetric.
  CHECK(jaro_winkler("marhta", "martha") == doctest::Approx(jaro_winkler("martha", "marhta")));
  CHECK(jaro_winkler("duane", "dwayne") == doctest::Approx(jaro_winkler("dwayne", "duane")));
}

TEST_CASE("matching jaro_winkler bounds") {
  CHECK(jaro_winkler("dupont", "dupont") == 1.0);
  CHECK(jaro_winkler("", "") == 1.0);
  CHECK(jaro_winkler("", "dupont") == 0.0);
  CHECK(jaro_winkler("abc", "xyz") == 0.0);
  CHECK(jaro_winkler("a", "b") == 0.0);
  const double d = jaro_winkler("dupont", "durand");
  CHECK(d > 0.0);
  CHECK(d < 0.8);
  // Longer than 64 bytes: compared on the first 64, without reading past them.
  const std::string long_a(100, 'a');
  std::string long_b(100, 'a');
  long_b[99] = 'b';
  CHECK(jaro_winkler(long_a, long_b) == 1.0);
}

TEST_CASE("matching one_typo_apart finds one changed added dropped or swapped letter") {
  CHECK(one_typo_apart("dupont", "dupond"));   // changed
  CHECK(one_typo_apart("dupont", "duppont"));  // doubled
  CHECK(one_typo_apart("dupont", "dupnt"));    // dropped
  CHECK(one_typo_apart("dupnt", "dupont"));
  CHECK(one_typo_apart("dupont", "duopnt"));   // swapped
  CHECK(one_typo_apart("dupont", "dupontt"));  // doubled at the end
  CHECK(one_typo_apart("dupont", "xdupont"));  // added at the start
  CHECK(one_typo_apart("ab", "ba"));
  CHECK_FALSE(one_typo_apart("dupont", "dupont"));
  CHECK_FALSE(one_typo_apart("dupont", "durand"));
  CHECK_FALSE(one_typo_apart("dupont", "dupondd"));
  CHECK_FALSE(one_typo_apart("abc", "abcde"));
  CHECK_FALSE(one_typo_apart("abcd", "badc"));
}
