-- wrk script of bench/size-bench.sh: POSTs one kind of write, each thread from its own lines of a file, and counts
-- the answers that were accepted ("status":"ok"; a refused write is HTTP 200 with "status":"err").
--   env SIZE_MODE  vote | submit | comment
--   env SIZE_LINES a file of "token secret news_id" lines (vote, comment) or "token secret" lines (submit)
--   env SIZE_AUTH  bearer (this project) | cookie (Lamernews)
-- Globals, not file-scope locals: thread:set() sets globals of that thread's script, which a file-scope local of the
-- same name would hide. Thread i takes lines i, i+T, i+2T... so no two threads send the same (user, news) pair.
threads = {}
counter = 0

function setup(thread)
  thread:set("tid", counter)
  table.insert(threads, thread)
  counter = counter + 1
end

function fields(line)
  local t = {}
  for f in line:gmatch("%S+") do table.insert(t, f) end
  return t
end

function headers_of(token)
  local headers = { ["Content-Type"] = "application/x-www-form-urlencoded" }
  if auth == "cookie" then headers["Cookie"] = "auth=" .. token else headers["Authorization"] = "Bearer " .. token end
  return headers
end

function init(args)
  mode = os.getenv("SIZE_MODE")
  auth = os.getenv("SIZE_AUTH") or "bearer"
  lines = {}
  local i = 0
  for line in io.lines(os.getenv("SIZE_LINES")) do
    if i % tonumber(os.getenv("SIZE_THREADS")) == tid then table.insert(lines, line) end
    i = i + 1
  end
  if #lines == 0 then
    -- Fewer lines than threads (submissions by one user): share them; only votes need pairs of their own.
    for line in io.lines(os.getenv("SIZE_LINES")) do table.insert(lines, line) end
  end
  -- Votes are the same request every time a line comes round: formatted once here (before wrk's clock starts), so
  -- the load generator spends its share of the two cores on sending, not on building strings.
  if mode == "vote" then
    votes = {}
    for n, line in ipairs(lines) do
      local f = fields(line)
      votes[n] = wrk.format("POST", "/api/votenews", headers_of(f[1]), "apisecret=" .. f[2] .. "&news_id=" .. f[3] .. "&vote_type=up")
    end
  end
  next_line = 1
  sent = 0
  accepted = 0
  refused = 0
end

function request()
  local n = next_line
  next_line = next_line % #lines + 1
  sent = sent + 1
  if mode == "vote" then
    return votes[n]
  end
  local f = fields(lines[n])
  local headers = headers_of(f[1])
  local body
  if mode == "comment" then
    body = "apisecret=" .. f[2] .. "&news_id=" .. f[3] .. "&comment_id=-1&parent_id=-1&comment=size+bench+comment+" .. tid .. "+" .. sent
    return wrk.format("POST", "/api/postcomment", headers, body)
  else
    body = "apisecret=" .. f[2] .. "&news_id=-1&title=Size+bench+" .. tid .. "+" .. sent .. "&text=&url=https%3A%2F%2Fbench.example%2F" .. os.time() .. "%2F" .. tid .. "%2F" .. sent
    return wrk.format("POST", "/api/submit", headers, body)
  end
end

function response(status, headers, body)
  if status == 200 and body:find('"status":"ok"', 1, true) then accepted = accepted + 1 else refused = refused + 1 end
end

function done(summary, latency, requests)
  local a, r = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("accepted")
    r = r + t:get("refused")
  end
  io.write(string.format("accepted %d refused %d seconds %.3f p50_ms %.2f p99_ms %.2f\n",
    a, r, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
