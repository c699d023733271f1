-- POST /v1/entries with a fresh client id and body on every request.
-- The token comes from the command line: wrk -H "Authorization: Bearer ...".
local threads = {}

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid)
  prefix = string.format("%08x", math.random(0, 0x7fffffff))
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
end

function request()
  counter = counter + 1
  local id = string.format("%s-%04x-4000-8000-%012x", prefix, tid, counter)
  local body = string.format(
    '{"id":"%s","body":"bench entry %d from thread %d: the colours were louder","written_at":"%s","mood":%d}',
    id, counter, tid, os.date("!%Y-%m-%dT%H:%M:%SZ"), counter % 11)
  return wrk.format(nil, nil, nil, body)
end
