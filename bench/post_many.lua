-- POST /v1/entries as many patients at once: each request signs with the next token of
-- BENCH_TOKENS (a file, one access token a line), with a fresh entry id and a body drawn
-- in turn from bench/bodies.txt, as bench/post_entry.lua does for one patient.
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
  prefix = string.format("%08x", math.random(0, 0x7fffffff))
  counter = 0
  bodies = {}
  for line in io.lines(os.getenv("BENCH_BODIES") or "bench/bodies.txt") do
    table.insert(bodies, line)
  end
  tokens = {}
  for line in io.lines(os.getenv("BENCH_TOKENS")) do
    table.insert(tokens, line)
  end
  offset = math.random(0, #bodies - 1)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local id = string.format("%s-%04x-4000-8000-%012x", prefix, tid, counter)
  local body = bodies[(offset + counter) % #bodies + 1]
  wrk.headers["Authorization"] = "Bearer " .. tokens[(tid * 7919 + counter) % #tokens + 1]
  return wrk.format(nil, nil, nil, string.format(
    '{"id":"%s","body":%s,"written_at":"%s","mood":%d}',
    id, body, os.date("!%Y-%m-%dT%H:%M:%SZ"), counter % 11))
end
