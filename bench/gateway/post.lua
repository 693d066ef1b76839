-- wrk script of bench/gateway/proxy.sh: POST a small Messages API call. BODY (the JSON) and
-- HEADERS ("Name: value" lines separated by "|") come from the environment.
wrk.method = "POST"
wrk.body = os.getenv("BODY")
wrk.headers["Content-Type"] = "application/json"
for h in string.gmatch(os.getenv("HEADERS") or "", "[^|]+") do
  local name, value = string.match(h, "^%s*([^:]+):%s*(.*)$")
  if name then wrk.headers[name] = value end
end
