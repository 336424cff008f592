#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "gateway/matching/normalise.hpp"
#include "gateway/matching/particles.hpp"

using siao::matching::drop_particles;
using siao::matching::is_particle;
using siao::matching::normalise;

namespace {
using Tokens = std::vector<std::string>;
}

TEST_CASE("matching normalise folds case and strips accents") {
  CHECK(normalise("Lefèvre") == Tokens{"lefevre"});
  CHECK(normalise("LEFÈVRE") == Tokens{"lefevre"});
  CHECK(normalise("ÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸ") == Tokens{"aaaaaaceeeeiiiinooooouuuuyy"});
  CHECK(normalise("àâäáãåçéèêëíìîïñóòôöõúùûüýÿ") == Tokens{"aaaaaaceeeeiiiinooooouuuuyy"});
  CHECK(normalise("Œdipe Lætitia Straße ÆSA") == Tokens{"oedipe", "laetitia", "strasse", "aesa"});
  CHECK(normalise("Łukasz Dvořák Şahin Ćosić") == Tokens{"lukasz", "dvorak", "sahin", "cosic"});
}

TEST_CASE("matching normalise drops combining accents of decomposed text") {
  CHECK(normalise("Le\xcc\x81o\xcc\x82") == Tokens{"leo"});  // e + U+0301, o + U+0302
}

TEST_CASE("matching normalise splits on hyphens apostrophes dots and spaces") {
  CHECK(normalise("Jean-Pierre") == Tokens{"jean", "pierre"});
  CHECK(normalise("D'Artagnan") == Tokens{"d", "artagnan"});
  CHECK(normalise("d\xe2\x80\x99" "Artagnan") == Tokens{"d", "artagnan"});  // ’ U+2019
  CHECK(normalise("  St.  -Exupéry  ") == Tokens{"st", "exupery"});
  CHECK(normalise("Marie..Claire,Anne") == Tokens{"marie", "claire", "anne"});
  CHECK(normalise("Anne\xc2\xa0Sophie") == Tokens{"anne", "sophie"});     // no-break space
  CHECK(normalise("Anne\xe2\x80\x93Sophie") == Tokens{"anne", "sophie"});  // en dash
  CHECK(normalise("   ").empty());
  CHECK(normalise("").empty());
}

TEST_CASE("matching normalise keeps digits and other scripts and separates on invalid UTF-8") {
  CHECK(normalise("Louis 14") == Tokens{"louis", "14"});
  CHECK(normalise("\xd0\x9e\xd0\xbb\xd1\x8c\xd0\xb3\xd0\xb0") == Tokens{"\xd0\x9e\xd0\xbb\xd1\x8c\xd0\xb3\xd0\xb0"});
  CHECK(normalise("ab\xff" "cd") == Tokens{"ab", "cd"});
  CHECK(normalise("ab\xc3") == Tokens{"ab"});  // truncated sequence
}

TEST_CASE("matching particles are dropped from family names unless they are the whole name") {
  CHECK(is_particle("de"));
  CHECK(is_particle("d"));
  CHECK(is_particle("van"));
  CHECK(is_particle("ibn"));
  CHECK_FALSE(is_particle("dupont"));
  CHECK_FALSE(is_particle("saint"));

  Tokens t{"de", "la", "fontaine"};
  drop_particles(t);
  CHECK(t == Tokens{"fontaine"});
  t = {"van", "der", "berg"};
  drop_particles(t);
  CHECK(t == Tokens{"berg"});
  t = {"ben", "said"};
  drop_particles(t);
  CHECK(t == Tokens{"said"});
  t = {"martin", "de", "la", "rosa"};
  drop_particles(t);
  CHECK(t == Tokens{"martin", "rosa"});
  t = {"le"};
  drop_particles(t);
  CHECK(t == Tokens{"le"});
  t = {"de", "la"};
  drop_particles(t);
  CHECK(t == Tokens{"de", "la"});
}
