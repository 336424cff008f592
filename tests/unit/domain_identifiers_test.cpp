#include <doctest/doctest.h>

#include <cstdio>
#include <string>
#include <string_view>

#include "gateway/domain/identifiers.hpp"

using siao::domain::is_service;
using siao::domain::is_siao_id;
using siao::domain::is_territory;
using siao::domain::parse_resource_kind;
using siao::domain::ResourceKind;

TEST_CASE("SIAO ids are 8 ASCII digits starting with the kind's digit") {
  struct Row {
    std::string_view id;
    bool household, person, request;
  };
  const Row rows[] = {
      {"90512191", true, false, false},
      {"40000123", false, true, false},
      {"70001234", false, false, true},
      {"99999999", true, false, false},
      {"90000000", true, false, false},
      {"10000000", false, false, false},
      {"00000000", false, false, false},
      {"9051219", false, false, false},    // 7 digits
      {"905121910", false, false, false},  // 9 digits
      {"", false, false, false},
      {"9051219a", false, false, false},
      {"9051 191", false, false, false},
      {"+9051219", false, false, false},
      {"905121\xd9\xa1", false, false, false},  // 8 bytes, the last two an Arabic-Indic digit
  };
  for (const auto& row : rows) {
    CAPTURE(row.id);
    CHECK(is_siao_id(row.id, ResourceKind::household) == row.household);
    CHECK(is_siao_id(row.id, ResourceKind::person) == row.person);
    CHECK(is_siao_id(row.id, ResourceKind::request) == row.request);
  }
}

TEST_CASE("resource kinds have the names the change feed uses") {
  CHECK(name(ResourceKind::household) == "household");
  CHECK(name(ResourceKind::person) == "person");
  CHECK(name(ResourceKind::request) == "request");
  for (auto kind : {ResourceKind::household, ResourceKind::person, ResourceKind::request})
    CHECK(parse_resource_kind(name(kind)) == kind);
  CHECK_FALSE(parse_resource_kind("households").has_value());
  CHECK_FALSE(parse_resource_kind("").has_value());
}

TEST_CASE("is_territory accepts exactly the 101 département codes") {
  int accepted = 0;
  char buf[16];
  for (int n = 0; n <= 999; ++n) {
    for (int width : {2, 3}) {
      if (width == 2 && n > 99) continue;
      (void)std::snprintf(buf, sizeof buf, "%0*d", width, n);  // at most 3 digits: never cut
      const std::string code = buf;
      const bool expected = (code.size() == 2 && n >= 1 && n <= 95 && n != 20) ||
                            (code.size() == 3 && ((n >= 971 && n <= 974) || n == 976));
      CAPTURE(code);
      CHECK(is_territory(code) == expected);
      accepted += is_territory(code);
    }
  }
  CHECK(is_territory("2A"));
  CHECK(is_territory("2B"));
  accepted += 2;
  CHECK(accepted == 101);
  for (std::string_view code : {"", "1", "20", "00", "96", "975", "977", "2a", "2b", "2C", "1A", "075", "75 ",
                                " 75", "9710", "-1", "+1"}) {
    CAPTURE(code);
    CHECK_FALSE(is_territory(code));
  }
}

TEST_CASE("is_service accepts the 13 service codes and nothing else") {
  for (std::string_view code : {"CHU", "CHRS", "HOTEL", "RHVS", "HALTE_DE_NUIT", "LHSS", "ALT", "IML",
                                "PENSION_DE_FAMILLE", "RESIDENCE_SOCIALE", "FJT", "FTM", "LOGEMENT_ORDINAIRE"}) {
    CAPTURE(code);
    CHECK(is_service(code));
  }
  for (std::string_view code : {"", "chu", "Hotel", "HÔTEL", "CHU ", "HALTE DE NUIT", "CADA", "LOGEMENT"}) {
    CAPTURE(code);
    CHECK_FALSE(is_service(code));
  }
}
