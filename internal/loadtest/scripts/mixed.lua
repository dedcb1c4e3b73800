-- The mixed run: 98 % reads drawn at random from a file of paths, 1 % creates and 1 % PATCHes,
-- all at once. Creates cycle through bodies as create.lua does; PATCHes go to use-cases each
-- thread owns with a correct If-Match, learnt from the ETag of the answer, as patch.lua does
-- (with no use-case free, the slot goes to a read).
-- wrk ... -s mixed.lua http://host:port -- PATHS_FILE KEY BODIES_FILE PATCHES_FILE TARGETS_FILE THREADS RUN_LABEL
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

local function lines(file)
  local out = {}
  for line in io.lines(file) do
    out[#out + 1] = line
  end
  if #out == 0 then
    error("nothing in " .. file)
  end
  return out
end

function init(args)
  paths = lines(args[1])
  key = "Bearer " .. args[2]
  bodies = lines(args[3])
  patches = lines(args[4])
  nthreads = tonumber(args[6])
  label = args[7]
  version, free = {}, {}
  local i = 0
  for line in io.lines(args[5]) do
    if i % nthreads == tid then
      local id, v = line:match("^(%S+)%s+(%d+)")
      version[id] = tonumber(v)
      free[#free + 1] = id
    end
    i = i + 1
  end
  sent = 0
  math.randomseed(os.time() * 1000 + tid)
end

function request()
  local r = math.random(100)
  local n = tid + nthreads * sent
  if r == 1 then
    sent = sent + 1
    local body = bodies[n % #bodies + 1]:gsub("@N@", label .. "-" .. n, 1)
    return wrk.format("POST", "/api/v1/usecases", {
      ["Authorization"] = key,
      ["Content-Type"] = "application/json",
    }, body)
  end
  if r == 2 and #free > 0 then
    sent = sent + 1
    local id = table.remove(free)
    local body = patches[n % #patches + 1]:gsub("@N@", label .. "-" .. n, 1)
    return wrk.format("PATCH", "/api/v1/usecases/" .. id, {
      ["Authorization"] = key,
      ["Content-Type"] = "application/merge-patch+json",
      ["If-Match"] = '"' .. version[id] .. '"',
    }, body)
  end
  return wrk.format("GET", paths[math.random(#paths)])
end

function response(status, headers, body)
  -- Only a PATCH's answer is one use-case of ours with a new version.
  if status ~= 200 or body:sub(1, 7) ~= '{"id":"' then
    return
  end
  local id = body:sub(1, 64):match('"id":"([%x%-]+)"')
  local etag = headers["Etag"] or headers["ETag"] or headers["etag"]
  local v = etag and tonumber(etag:match("(%d+)"))
  if id and v and version[id] then
    version[id] = v
    free[#free + 1] = id
  end
end
