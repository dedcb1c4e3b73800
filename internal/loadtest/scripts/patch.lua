-- PATCHes use-cases, each request with a correct If-Match. The targets file lists use-cases as
-- "ID VERSION" lines; each thread owns every THREADS-th one and sends at most one request per
-- use-case at a time, learning its next version from the ETag of the answer (a use-case whose
-- answer failed is dropped). Patch bodies are JSON merge patches, one a line, holding the
-- placeholder @N@ that a number unique in the run replaces, so no two patches are alike.
-- wrk ... -s patch.lua http://host:port -- KEY PATCHES_FILE TARGETS_FILE THREADS RUN_LABEL
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  key = "Bearer " .. args[1]
  patches = {}
  for line in io.lines(args[2]) do
    patches[#patches + 1] = line
  end
  nthreads = tonumber(args[4])
  label = args[5]
  version, free = {}, {}
  local i = 0
  for line in io.lines(args[3]) do
    if i % nthreads == tid then
      local id, v = line:match("^(%S+)%s+(%d+)")
      version[id] = tonumber(v)
      free[#free + 1] = id
    end
    i = i + 1
  end
  if #free == 0 or #patches == 0 then
    error("no targets or patches for thread " .. tid)
  end
  sent, last = 0, free[1]
end

function request()
  -- A use-case lost to a failed answer is never freed; when none is free, reuse the last one,
  -- whose stale If-Match then shows up as a 412 in the run's errors.
  local id = table.remove(free) or last
  last = id
  local n = tid + nthreads * sent
  sent = sent + 1
  local body = patches[n % #patches + 1]:gsub("@N@", label .. "-" .. n, 1)
  return wrk.format("PATCH", "/api/v1/usecases/" .. id, {
    ["Authorization"] = key,
    ["Content-Type"] = "application/merge-patch+json",
    ["If-Match"] = '"' .. version[id] .. '"',
  }, body)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
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
