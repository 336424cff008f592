-- wrk script: GET /api/v2/households/{id}, round-robin over the ids listed in
-- the file BENCH_IDS_FILE (one a line), each thread starting at its own offset
-- in the list. The requests are formatted once, in init.
--
-- Environment:
--   BENCH_API_KEY   bearer key of the calling client (required)
--   BENCH_IDS_FILE  the household ids (required)
--   BENCH_THREADS   wrk threads (default 2): thread t of n starts (t - 1) / n
--                   of the way into the list

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
  local path = os.getenv("BENCH_IDS_FILE")
  if path == nil or path == "" then error("BENCH_IDS_FILE is not set") end
  local file = assert(io.open(path, "r"))
  local headers = {["Authorization"] = "Bearer " .. key}
  for id in file:lines() do
    if id:match("^%d+$") then
      requests[#requests + 1] = wrk.format("GET", "/api/v2/households/" .. id, headers)
    end
  end
  file:close()
  if #requests == 0 then error("no household id in " .. path) end
  local threads = tonumber(os.getenv("BENCH_THREADS") or "") or 2
  next_request = ((tid - 1) * math.floor(#requests / threads)) % #requests + 1
end

function request()
  local r = requests[next_request]
  next_request = next_request % #requests + 1
  return r
end
