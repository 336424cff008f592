-- wrk script: POST /api/v2/households with varied households of 1 to 4
-- members, drawn from a fixed pseudo-random sequence seeded per wrk thread
-- (the same run makes the same bodies). Each thread formats its requests once,
-- in init, and cycles through them.
--
-- Environment:
--   BENCH_API_KEY       bearer key of the calling client (required)
--   BENCH_BODIES        distinct bodies per thread (default 1000)
--   BENCH_CREATE_PER_THREAD  stop each thread once it created this many
--                       households (default: no limit, the measured run)
--   BENCH_IDS_FILE      with BENCH_CREATE_PER_THREAD, write the id of each
--                       created household to BENCH_IDS_FILE.<thread>, one a line

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

-- LuaJIT's math.random (a Tausworthe generator) gives the same sequence for
-- the same seed on every platform; each wrk thread has its own Lua state,
-- seeded in init with its thread number.
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

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

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

local function person(role, sex, last, adult)
  local firsts = {pick(sex == "male" and MALE or FEMALE)}
  if chance(20) then
    local second = pick(sex == "male" and MALE or FEMALE)
    if second ~= firsts[1] then firsts[2] = second end
  end
  if sex == "unknown" then firsts = {pick(chance(50) and MALE or FEMALE)} end
  local parts = {
    '"role":' .. json_string(role),
    '"lastName":' .. json_string(last),
  }
  local quoted = {}
  for i, f in ipairs(firsts) do quoted[i] = json_string(f) end
  parts[#parts + 1] = '"firstNames":[' .. table.concat(quoted, ",") .. "]"
  parts[#parts + 1] = '"sex":' .. json_string(sex)
  local born -- not "adult and x or y": x may be nil
  if adult then born = birth_date(1950, 2006) else born = birth_date(2009, 2025) end
  if born then parts[#parts + 1] = '"birthDate":' .. json_string(born) end
  if adult and sex == "female" and chance(25) then
    parts[#parts + 1] = '"birthName":' .. json_string(pick(LAST_NAMES))
  end
  if chance(60) then parts[#parts + 1] = '"nationality":' .. json_string(pick(NATIONALITIES)) end
  if adult and chance(50) then
    parts[#parts + 1] = string.format('"phone":"+33%d%08d"', between(6, 7), between(0, 99999999))
  end
  if adult and chance(15) then
    parts[#parts + 1] = string.format('"email":"contact%d@example.org"', between(1000, 999999))
  end
  return "{" .. table.concat(parts, ",") .. "}"
end

local function adult_sex()
  local r = between(1, 100)
  if r <= 55 then return "male" elseif r <= 97 then return "female" else return "unknown" end
end
local function child_sex() return chance(50) and "female" or "male" end

-- Compositions, with their weight out of 100.
local function household()
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
  return '{"territory":' .. json_string(pick(TERRITORIES)) .. ',"members":[' .. table.concat(m, ",") .. "]}"
end

local requests = {}
local next_request = 1
local limit = nil
local created = 0
local ids_out = nil

function init(args)
  local key = os.getenv("BENCH_API_KEY")
  if key == nil or key == "" then error("BENCH_API_KEY is not set") end
  math.randomseed(7919 * tid)
  local headers = {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
  }
  local count = tonumber(os.getenv("BENCH_BODIES") or "") or 1000
  for i = 1, count do
    requests[i] = wrk.format("POST", "/api/v2/households", headers, household())
  end
  limit = tonumber(os.getenv("BENCH_CREATE_PER_THREAD") or "")
  if limit then
    local prefix = os.getenv("BENCH_IDS_FILE")
    if prefix and prefix ~= "" then
      ids_out = assert(io.open(prefix .. "." .. tid, "w"))
    end
  end
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end

-- Defined only when counting: a response() makes wrk parse every body.
if os.getenv("BENCH_CREATE_PER_THREAD") then
  function response(status, headers, body)
    if status ~= 201 then return end
    created = created + 1
    if ids_out then
      local id = body:match('^{"id":"(%d+)"') or body:match('"id":"(9%d+)"')
      if id then ids_out:write(id, "\n") end
    end
    if created >= limit then
      if ids_out then ids_out:flush() end
      wrk.thread:stop()
    end
  end
end
