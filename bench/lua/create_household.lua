-- wrk script: POST /api/v2/households with varied households of 1 to 4
-- members, drawn from a fixed pseudo-random sequence seeded per wrk thread
-- (the same run makes the same bodies). Each thread formats its requests once,
-- in init, and cycles through them. The households come from households.lua;
-- create_famille.lua sends the same ones to POST /api/v1.1/familles.
--
-- Environment:
--   BENCH_API_KEY       bearer key of the calling client (required)
--   BENCH_LUA_DIR       directory of households.lua (default: this script's)
--   BENCH_BODIES        distinct bodies per thread (default 1000)
--   BENCH_CREATE_PER_THREAD  stop each thread once it created this many
--                       households (default: no limit, the measured run)
--   BENCH_IDS_FILE      with BENCH_CREATE_PER_THREAD, write the id of each
--                       created household to BENCH_IDS_FILE.<thread>, one a line
--   BENCH_DELAY_MS      each connection waits this long before each request:
--                       a paced load of about connections * 1000 / delay
--                       requests/s instead of as many as the gateway takes

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

-- The households (bench/lua/households.lua, shared with create_famille.lua),
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

-- A household as POST /api/v2/households takes it; the members' fields in
-- a fixed order.
local function household_json(h)
  local members = {}
  for i, p in ipairs(h.members) do
    local quoted = {}
    for j, f in ipairs(p.firstNames) do quoted[j] = json_string(f) end
    local parts = {
      '"role":' .. json_string(p.role),
      '"lastName":' .. json_string(p.lastName),
      '"firstNames":[' .. table.concat(quoted, ",") .. "]",
      '"sex":' .. json_string(p.sex),
    }
    if p.birthDate then parts[#parts + 1] = '"birthDate":' .. json_string(p.birthDate) end
    if p.birthName then parts[#parts + 1] = '"birthName":' .. json_string(p.birthName) end
    if p.nationality then parts[#parts + 1] = '"nationality":' .. json_string(p.nationality) end
    if p.phone then parts[#parts + 1] = '"phone":' .. json_string(p.phone) end
    if p.email then parts[#parts + 1] = '"email":' .. json_string(p.email) end
    members[i] = "{" .. table.concat(parts, ",") .. "}"
  end
  return '{"territory":' .. json_string(h.territory) .. ',"members":[' .. table.concat(members, ",") .. "]}"
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
    requests[i] = wrk.format("POST", "/api/v2/households", headers, household_json(next_household()))
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

local pause = tonumber(os.getenv("BENCH_DELAY_MS") or "")
if pause then
  function delay()
    return pause
  end
end
