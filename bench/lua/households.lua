-- The households the create benchmarks send, as Lua tables: a module for
-- dofile (wrk scripts have no reliable require path) that returns a function;
-- each call draws one household of 1 to 4 members from math.random:
--
--   {territory = "75" | "92" | "93" | "94",
--    members = {{role = "head" | "spouse" | "child" | "other_adult" | "other_minor",
--                lastName = "DUPONT",          -- upper case, accents kept
--                birthName = "MARTIN" | nil,   -- now and then, adult women
--                firstNames = {"Marie", ...},  -- one or two
--                sex = "female" | "male" | "unknown",
--                birthDate = "1985-03-14" | "1985-03" | "1985" | nil,
--                nationality = "FRA" | ... | "unknown" | nil,  -- ISO alpha-3
--                phone = "+33612345678" | nil, -- +336 or +337, adults only
--                email = "contact1234@example.org" | nil},  -- adults only
--               ...}}
--
-- The caller seeds math.random (math.randomseed(7919 * tid) in init, one
-- sequence per wrk thread: LuaJIT's Tausworthe generator gives the same
-- sequence for the same seed on every platform), so that a run sends the same
-- households each time, whatever format they are sent in. The draws, their
-- order and their weights are those of the first create_household.lua: keep
-- them so, or figures taken before and after stop comparing.

-- An integer in [lo, hi].
local function between(lo, hi) return math.random(lo, hi) end
local function pick(list) return list[between(1, #list)] end
local function chance(percent) return between(1, 100) <= percent end

local LAST_NAMES = {
  "MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
  "SIMON", "LAURENT", "LEFEBVRE", "MICHEL", "GARCIA", "DAVID", "BERTRAND", "ROUX", "VINCENT", "FOURNIER",
  "MOREL", "GIRARD", "ANDRÉ", "LEFÈVRE", "MERCIER", "DUPONT", "LAMBERT", "BONNET", "FRANÇOIS", "MARTINEZ",
  "LEGRAND", "GARNIER", "FAURE", "ROUSSEAU", "BLANC", "GUERIN", "MULLER", "HENRY", "ROUSSEL", "NICOLAS",
  "PERRIN", "MORIN", "MATHIEU", "CLÉMENT", "GAUTHIER", "DUMONT", "LOPEZ", "FONTAINE", "CHEVALIER", "ROBIN",
  "N'DIAYE", "DIALLO", "TRAORÉ", "KONATÉ", "CISSÉ", "BENALI", "BENSAÏD", "HADDAD", "NGUYEN", "TRAN",
  "DOS SANTOS", "PEREIRA", "KOWALSKI", "POPESCU", "HAKIMI", "AHMADI", "YILMAZ", "MENDY", "SAIDI", "LE GALL",
}
local FEMALE = {
  "Marie", "Camille", "Léa", "Manon", "Chloé", "Inès", "Fatou", "Aïcha", "Nathalie", "Sandrine",
  "Isabelle", "Sophie", "Amina", "Emma", "Jade", "Louise", "Zoé", "Anne", "Hélène", "Nadia",
  "Fatima", "Aminata", "Mariam", "Sarah", "Élodie", "Céline", "Valérie", "Yasmine", "Khadija", "Oksana",
}
local MALE = {
  "Jean", "Pierre", "Mohamed", "Karim", "Thomas", "Nicolas", "Julien", "Mamadou", "Lucas", "Hugo",
  "Gabriel", "Louis", "Ahmed", "Youssef", "Christophe", "Stéphane", "Moussa", "Ibrahima", "Olivier", "Éric",
  "François", "Rachid", "Sébastien", "Adam", "Nathan", "Noah", "Bilal", "Ousmane", "Dmytro", "Jérôme",
}
local NATIONALITIES = {
  "FRA", "FRA", "FRA", "FRA", "FRA", "FRA", "DZA", "MAR", "TUN", "SEN", "MLI", "CIV", "GIN", "COD",
  "AFG", "SYR", "UKR", "ROU", "ERI", "SDN", "unknown",
}
local TERRITORIES = {"75", "92", "93", "94"}

-- A birth date between two years: mostly full, sometimes YYYY-MM or YYYY,
-- now and then unknown (nil).
local function birth_date(from, to)
  local r = between(1, 100)
  local y = between(from, to)
  if r <= 70 then return string.format("%04d-%02d-%02d", y, between(1, 12), between(1, 28)) end
  if r <= 85 then return string.format("%04d-%02d", y, between(1, 12)) end
  if r <= 95 then return string.format("%04d", y) end
  return nil
end

-- One member. Every draw below happens in this order, whether or not its
-- result is kept (an unknown sex draws first names twice).
local function person(role, sex, last, adult)
  local firsts = {pick(sex == "male" and MALE or FEMALE)}
  if chance(20) then
    local second = pick(sex == "male" and MALE or FEMALE)
    if second ~= firsts[1] then firsts[2] = second end
  end
  if sex == "unknown" then firsts = {pick(chance(50) and MALE or FEMALE)} end
  local p = {role = role, lastName = last, firstNames = firsts, sex = sex}
  if adult then p.birthDate = birth_date(1950, 2006) else p.birthDate = birth_date(2009, 2025) end
  if adult and sex == "female" and chance(25) then p.birthName = pick(LAST_NAMES) end
  if chance(60) then p.nationality = pick(NATIONALITIES) end
  if adult and chance(50) then
    p.phone = string.format("+33%d%08d", between(6, 7), between(0, 99999999))
  end
  if adult and chance(15) then
    p.email = string.format("contact%d@example.org", between(1000, 999999))
  end
  return p
end

local function adult_sex()
  local r = between(1, 100)
  if r <= 55 then return "male" elseif r <= 97 then return "female" else return "unknown" end
end
local function child_sex() return chance(50) and "female" or "male" end

-- Compositions, with their weight out of 100. The territory is drawn last.
return function()
  local last = pick(LAST_NAMES)
  local m = {}
  local r = between(1, 100)
  if r <= 35 then -- one adult alone
    m[1] = person("head", adult_sex(), last, true)
  elseif r <= 55 then -- one parent with 1 to 3 children
    local sex = chance(80) and "female" or "male"
    m[1] = person("head", sex, last, true)
    for _ = 1, between(1, 3) do m[#m + 1] = person("child", child_sex(), last, false) end
  elseif r <= 67 then -- couple
    m[1] = person("head", "male", last, true)
    m[2] = person("spouse", "female", chance(50) and last or pick(LAST_NAMES), true)
  elseif r <= 82 then -- couple with 1 or 2 children
    m[1] = person("head", chance(70) and "male" or "female", last, true)
    m[2] = person("spouse", chance(70) and "female" or "male", last, true)
    for _ = 1, between(1, 2) do m[#m + 1] = person("child", child_sex(), last, false) end
  elseif r <= 90 then -- adults together (siblings, friends)
    m[1] = person("head", adult_sex(), last, true)
    for _ = 1, between(1, 3) do
      m[#m + 1] = person("other_adult", adult_sex(), chance(50) and last or pick(LAST_NAMES), true)
    end
  elseif r <= 96 then -- an isolated minor
    m[1] = person("head", child_sex(), last, false)
  else -- minors together, or an adult with a minor who is not their child
    m[1] = person("head", chance(50) and adult_sex() or child_sex(), last, chance(50))
    m[2] = person("other_minor", child_sex(), pick(LAST_NAMES), false)
  end
  return {territory = pick(TERRITORIES), members = m}
end
