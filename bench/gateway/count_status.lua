-- wrk script for bench/gateway/load.sh: counts responses by status class over all threads
-- and prints one line "status 2xx=N 4xx=N 429=N 5xx=N other=N" when wrk is done.
-- LOAD_SIGN_IN=1 turns the requests into POST /api/auth/sign-in with a wrong password.
if os.getenv("LOAD_SIGN_IN") == "1" then
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.body = '{"email":"' .. (os.getenv("LOAD_EMAIL") or "bench@example.com") .. '","password":"not-the-password"}'
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  c2, c4, c429, c5, cx = 0, 0, 0, 0, 0
end

function response(status, headers, body)
  if status >= 500 then c5 = c5 + 1
  elseif status == 429 then c429 = c429 + 1
  elseif status >= 400 then c4 = c4 + 1
  elseif status >= 200 and status < 300 then c2 = c2 + 1
  else cx = cx + 1 end
end

function done(summary, latency, requests)
  local t = { c2 = 0, c4 = 0, c429 = 0, c5 = 0, cx = 0 }
  for _, th in ipairs(threads) do
    for k, _ in pairs(t) do t[k] = t[k] + th:get(k) end
  end
  io.write(string.format("status 2xx=%d 4xx=%d 429=%d 5xx=%d other=%d\n", t.c2, t.c4, t.c429, t.c5, t.cx))
end
