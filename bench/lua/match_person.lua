-- wrk script: POST /api/v2/persons/match with the bodies listed in
-- BENCH_QUERIES_FILE, one JSON object a line ({"lastName","firstNames",
-- "birthDate"}, written by bench/persons/generate.py --queries: persons of
-- the loaded data set, 40 % as recorded, the rest with one or two of the
-- planted variations: typos, accents, partial dates...). Each thread formats
-- its requests once, in init, and cycles through them, starting at its own
-- offset in the list.
--
-- Environment:
--   BENCH_API_KEY       bearer key of the calling client (required)
--   BENCH_QUERIES_FILE  the match bodies (required)
--   BENCH_THREADS       wrk threads (default 2): thread t of n starts (t - 1) / n
--                       of the way into the list

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

local requests = {}
local next_request = 1

function init(args)
  local key = os.getenv("BENCH_API_KEY")
  if key == nil or key == "" then error("BENCH_API_KEY is not set") end
  local path = os.getenv("BENCH_QUERIES_FILE")
  if path == nil or path == "" then error("BENCH_QUERIES_FILE is not set") end
  local headers = {
    ["Authorization"] = "Bearer " .. key,
    ["Content-Type"] = "application/json",
  }
  local file = assert(io.open(path, "r"))
  for line in file:lines() do
    if line:sub(1, 1) == "{" then
      requests[#requests + 1] = wrk.format("POST", "/api/v2/persons/match", headers, line)
    end
  end
  file:close()
  if #requests == 0 then error("no match body in " .. path) end
  local threads = tonumber(os.getenv("BENCH_THREADS") or "") or 2
  next_request = ((tid - 1) * math.floor(#requests / threads)) % #requests + 1
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end
