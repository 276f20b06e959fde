-- wrk: each request as a random one of BENCH_USERS users (scripts/bench_pg_scale.sh),
-- signed in by the user's API token (BENCH_AUTH=token: `Authorization: Bearer`) or
-- session cookie (BENCH_AUTH=session: `followup_account`). User N's API token is `fu_`
-- and N zero-padded to 64 digits, its session `be` and N zero-padded to 62 digits.

-- BENCH_PACE_MS: each connection waits that long after an answer before its next
-- request (a person reading the page), so the requests come at a pace the servers
-- keep up with instead of as fast as they answer.

local users = tonumber(os.getenv("BENCH_USERS") or "1000")
local pace = tonumber(os.getenv("BENCH_PACE_MS") or "0")
local auth = os.getenv("BENCH_AUTH") or "token"
local threads = 0

local function padded(n, width)
  local s = tostring(n)
  return string.rep("0", width - #s) .. s
end

function setup(thread)
  threads = threads + 1
  thread:set("seed", threads)
end

function init(args)
  math.randomseed(os.time() * 1000 + (seed or 0))
end

function request()
  local id = math.random(1, users)
  local headers = {}
  if auth == "session" then
    headers["Cookie"] = "followup_account=be" .. padded(id, 62)
  else
    headers["Authorization"] = "Bearer fu_" .. padded(id, 64)
  end
  return wrk.format("GET", nil, headers)
end

if pace > 0 then
  function delay()
    return pace
  end
end
