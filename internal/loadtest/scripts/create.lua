-- Creates use-cases, each distinct: cycles through a file of request bodies (one JSON object a
-- line, its title holding the placeholder @N@) and puts a number no other request of the run
-- uses in place of the placeholder.
-- wrk ... -s create.lua http://host:port -- KEY BODIES_FILE THREADS RUN_LABEL
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  headers = {
    ["Authorization"] = "Bearer " .. args[1],
    ["Content-Type"] = "application/json",
  }
  bodies = {}
  for line in io.lines(args[2]) do
    bodies[#bodies + 1] = line
  end
  if #bodies == 0 then
    error("no bodies in " .. args[2])
  end
  nthreads = tonumber(args[3])
  label = args[4]
  sent = 0
end

function request()
  local n = tid + nthreads * sent
  sent = sent + 1
  local body = bodies[n % #bodies + 1]:gsub("@N@", label .. "-" .. n, 1)
  return wrk.format("POST", "/api/v1/usecases", headers, body)
end
