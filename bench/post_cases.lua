-- wrk script: POST /api/v1/cases at random points of bench_http's generated city.
-- usage: wrk -t1 -c64 -d10s -s bench/post_cases.lua -H "Authorization: Bearer TOKEN" http://127.0.0.1:PORT
local urgencies = {"yellow", "orange", "red"}
local n = 0

request = function()
  n = n + 1
  local lon = 118.201 + math.random() * 0.198
  local lat = 24.551 + math.random() * 0.198
  local body = string.format(
    '{"lon":%.6f,"lat":%.6f,"category":"environment","urgency":"%s","title":"wrk case %d"}',
    lon, lat, urgencies[n % 3 + 1], n)
  -- The headers given on the command line (the token) plus the body's type.
  local headers = {["Content-Type"] = "application/json"}
  for k, v in pairs(wrk.headers) do headers[k] = v end
  return wrk.format("POST", "/api/v1/cases", headers, body)
end
