-- wrk script: POST /api/v1.1/familles (Rosalie's transitional API) with the
-- same households as create_household.lua sends to POST /api/v2/households:
-- households.lua, seeded the same way per wrk thread, formatted as Rosalie
-- families. Each thread formats its requests once, in init, and cycles
-- through them; only the family's key changes from one request to the next.
--
-- From the v2 household to the Rosalie family (docs: the spec's "Rosalie
-- format"): territory -> departement, role -> lienParente (DEM, CJT, ENF,
-- AUT, AUM), lastName -> nom (upper case), birthName -> nomNaissance,
-- firstNames -> prenoms (one string, joined by spaces), sex -> sexe (F, M, I),
-- birthDate -> dateNaissance JJ/MM/AAAA (00/MM/AAAA, 00/00/AAAA when partial),
-- nationality (alpha-3) -> nationalite (alpha-2, XX unknown), phone
-- (+336..., +337...) -> telephone (06..., 07...). Rosalie has no email: the
-- v2 bodies' emails are left out.
--
-- cleFamille must be new on every request (a known key is a 409):
-- "B-<run>-<thread>-<counter>", where <run> is BENCH_RUN_ID, else the hex
-- time and pid of this wrk process, and the counter has a fixed width, so the
-- requests keep the length they were formatted with. Each person's
-- idPersonneRosalie is the family's key followed by "-P<n>": unique within
-- the family and beyond it.
--
-- Environment:
--   BENCH_API_KEY       bearer key of a client with the rosalie adapter (required)
--   BENCH_LUA_DIR       directory of households.lua (default: this script's)
--   BENCH_BODIES        distinct families per thread (default 1000)
--   BENCH_RUN_ID        part of every cleFamille (default: time and pid); letters,
--                       digits, '.', '_', ':' or '-', at most 40 of them

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

-- The households (bench/lua/households.lua, shared with create_household.lua),
-- loaded from BENCH_LUA_DIR, else from this script's own directory: wrk
-- scripts have no reliable require path.
local function lua_dir()
  local dir = os.getenv("BENCH_LUA_DIR")
  if dir and dir ~= "" then return dir end
  -- wrk loads its script with luaL_loadfile: the chunk is named "@<path>".
  return debug.getinfo(1, "S").source:match("^@(.*)/[^/]*$") or "."
end
local next_household = dofile(lua_dir() .. "/households.lua")

local function json_string(s)
  return '"' .. s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end) .. '"'
end

local LIEN_PARENTE = {head = "DEM", spouse = "CJT", child = "ENF", other_adult = "AUT", other_minor = "AUM"}
local SEXE = {female = "F", male = "M", unknown = "I"}
-- Every nationality households.lua draws (mapping/codes/rosalie/nationalite.json).
local NATIONALITE = {
  FRA = "FR", DZA = "DZ", MAR = "MA", TUN = "TN", SEN = "SN", MLI = "ML", CIV = "CI", GIN = "GN",
  COD = "CD", AFG = "AF", SYR = "SY", UKR = "UA", ROU = "RO", ERI = "ER", SDN = "SD", unknown = "XX",
}

local function code(list, value, what)
  local c = list[value]
  if c == nil then error("create_famille.lua: no Rosalie code for " .. what .. " " .. tostring(value)) end
  return c
end

-- 1985-03-14 -> 14/03/1985, 1985-03 -> 00/03/1985, 1985 -> 00/00/1985.
local function date_fr(d)
  local y, m, day = d:match("^(%d%d%d%d)%-(%d%d)%-(%d%d)$")
  if y then return day .. "/" .. m .. "/" .. y end
  y, m = d:match("^(%d%d%d%d)%-(%d%d)$")
  if y then return "00/" .. m .. "/" .. y end
  y = d:match("^(%d%d%d%d)$")
  if y then return "00/00/" .. y end
  error("create_famille.lua: unexpected birth date " .. d)
end

-- +33612345678 -> 0612345678 (households.lua makes French mobiles only).
local function telephone(phone)
  local national = phone:match("^%+33(%d%d%d%d%d%d%d%d%d)$")
  if national == nil then error("create_famille.lua: unexpected phone " .. phone) end
  return "0" .. national
end

-- A household as a Rosalie family, with KEY where its key goes (cleFamille,
-- and the start of each idPersonneRosalie).
local function famille_json(h, key)
  local personnes = {}
  for i, p in ipairs(h.members) do
    local parts = {
      '"idPersonneRosalie":' .. json_string(key .. "-P" .. i),
      '"nom":' .. json_string(p.lastName:upper()),
    }
    if p.birthName then parts[#parts + 1] = '"nomNaissance":' .. json_string(p.birthName:upper()) end
    parts[#parts + 1] = '"prenoms":' .. json_string(table.concat(p.firstNames, " "))
    parts[#parts + 1] = '"sexe":' .. json_string(code(SEXE, p.sex, "sex"))
    if p.birthDate then parts[#parts + 1] = '"dateNaissance":' .. json_string(date_fr(p.birthDate)) end
    if p.nationality then
      parts[#parts + 1] = '"nationalite":' .. json_string(code(NATIONALITE, p.nationality, "nationality"))
    end
    parts[#parts + 1] = '"lienParente":' .. json_string(code(LIEN_PARENTE, p.role, "role"))
    if p.phone then parts[#parts + 1] = '"telephone":' .. json_string(telephone(p.phone)) end
    personnes[i] = "{" .. table.concat(parts, ",") .. "}"
  end
  return '{"cleFamille":' .. json_string(key) .. ',"departement":' .. json_string(h.territory) ..
    ',"personnes":[' .. table.concat(personnes, ",") .. "]}"
end

-- Each request, split where its key goes: table.concat(pieces[i], key) is the
-- request for that key. The placeholder has the key's final length, so that
-- Content-Length stays right.
local pieces = {}
local next_request = 1
local key_prefix = nil
local sent = 0
local COUNTER_FORMAT = "%09d"

local function run_id()
  local id = os.getenv("BENCH_RUN_ID")
  if id and id ~= "" then return id end
  local pid = 0
  local stat = io.open("/proc/self/stat")
  if stat then
    pid = tonumber(stat:read("*l"):match("^(%d+)")) or 0
    stat:close()
  end
  return string.format("%x-%x", os.time(), pid)
end

function init(args)
  local key = os.getenv("BENCH_API_KEY")
  if key == nil or key == "" then error("BENCH_API_KEY is not set") end
  -- The seed of create_household.lua: the same households, thread by thread.
  math.randomseed(7919 * tid)
  local headers = {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
  }
  key_prefix = "B-" .. run_id() .. "-" .. tid .. "-"
  local placeholder = key_prefix .. string.rep("#", #string.format(COUNTER_FORMAT, 0))
  -- A Rosalie key: 1 to 64 letters, digits, '.', '_', ':' or '-' (with "-P<n>").
  if not key_prefix:match("^[A-Za-z0-9._:-]+$") or #placeholder + 4 > 64 then
    error("BENCH_RUN_ID makes keys Rosalie refuses: " .. placeholder .. "-P1")
  end
  local count = tonumber(os.getenv("BENCH_BODIES") or "") or 1000
  for i = 1, count do
    local r = wrk.format("POST", "/api/v1.1/familles", headers, famille_json(next_household(), placeholder))
    local list, from = {}, 1
    while true do
      local s, e = r:find(placeholder, from, true)
      if s == nil then break end
      list[#list + 1] = r:sub(from, s - 1)
      from = e + 1
    end
    list[#list + 1] = r:sub(from)
    pieces[i] = list
  end
end

function request()
  sent = sent + 1
  local list = pieces[next_request]
  next_request = next_request % #pieces + 1
  return table.concat(list, key_prefix .. string.format(COUNTER_FORMAT, sent))
end
