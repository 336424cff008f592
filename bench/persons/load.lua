-- wrk script of bench/persons/load.py: POST /api/v2/households with the
-- bodies of one shard file per wrk thread, and the ids SIAO minted for each.
-- Run with as many connections as threads (wrk -tN -cN): a thread then has
-- one connection, which sends its next request only once the previous one
-- was answered, so that each answer belongs to the line sent last.
--
-- Environment:
--   BENCH_API_KEY       bearer key of the calling client (required)
--   BENCH_LOAD_SHARDS   prefix of the shard files: thread t reads
--                       <prefix>.<t>, lines "<line number>\t<body>"
--   BENCH_LOAD_OUT      prefix of the output files: thread t appends to
--                       <prefix>.<t> lines "<line>\t<status>\t<household id>\t<person ids,...>"
--                       (status 0: sent, never answered), then makes <prefix>.<t>.done
--
-- No file stays open: wrk sizes each thread's event loop for its sockets
-- alone (10 + 3 per connection descriptors), and a socket whose descriptor
-- number is above that is never served. The shard is read whole in init; the
-- answers are appended every 1,000.

local counter = 0

function setup(thread)
  counter = counter + 1
  thread:set("tid", counter)
end

local shard, headers, out_path
local lines = {}
local next_line = 1
local buffer = {}
local pending = nil      -- line number sent, not yet answered
local finished = false
local health = nil
local calls = 0

function init(args)
  local key = os.getenv("BENCH_API_KEY")
  if key == nil or key == "" then error("BENCH_API_KEY is not set") end
  local shards = os.getenv("BENCH_LOAD_SHARDS")
  local outs = os.getenv("BENCH_LOAD_OUT")
  if not shards or not outs then error("BENCH_LOAD_SHARDS and BENCH_LOAD_OUT must be set") end
  local f = assert(io.open(shards .. "." .. tid, "r"))
  for line in f:lines() do lines[#lines + 1] = line end
  f:close()
  shard = true
  out_path = outs .. "." .. tid
  headers = {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json"}
  health = wrk.format("GET", "/health")
end

function request()
  -- wrk calls request() once in its main state to check the script: no shard there.
  if not shard then return wrk.format("GET", "/health") end
  -- wrk 4.1 checks the script by calling request() once in thread 1's state,
  -- after init, and never sends what it got: give it a /health (in a wrk
  -- that checks elsewhere, thread 1 sends one /health more, answered and
  -- ignored).
  calls = calls + 1
  if tid == 1 and calls == 1 then return health end
  if pending then
    -- sent, but the connection was lost before the answer: load.py decides
    buffer[#buffer + 1] = pending .. "\t0\t\t\n"
    pending = nil
  end
  if finished then return health end
  local line = lines[next_line]
  if not line then
    finished = true
    return health
  end
  lines[next_line] = nil
  next_line = next_line + 1
  local tab = line:find("\t", 1, true)
  pending = line:sub(1, tab - 1)
  return wrk.format("POST", "/api/v2/households", headers, line:sub(tab + 1))
end

local function flush()
  if #buffer == 0 then return end
  local out = assert(io.open(out_path, "a"))
  out:write(table.concat(buffer))
  out:close()
  buffer = {}
end

function response(status, hdrs, body)
  if not pending then
    if finished and out_path then
      flush()
      local done = assert(io.open(out_path .. ".done", "w"))
      done:close()
      out_path = nil
      wrk.thread:stop()
    end
    return
  end
  local hid, pids = "", {}
  if status == 201 then
    hid = body:match('^{"id":%s*"(%d+)"') or body:match('"id":%s*"(9%d%d%d%d%d%d%d)"') or ""
    for pid in body:gmatch('"id":%s*"(4%d%d%d%d%d%d%d)"') do pids[#pids + 1] = pid end
  end
  buffer[#buffer + 1] = pending .. "\t" .. status .. "\t" .. hid .. "\t" .. table.concat(pids, ",") .. "\n"
  pending = nil
  if #buffer >= 1000 then flush() end
end
