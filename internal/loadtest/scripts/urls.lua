-- Gets paths drawn at random from a file of paths (one a line), so each request asks something
-- else.
-- wrk ... -s urls.lua http://host:port -- PATHS_FILE
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  paths = {}
  for line in io.lines(args[1]) do
    paths[#paths + 1] = line
  end
  if #paths == 0 then
    error("no paths in " .. args[1])
  end
  math.randomseed(os.time() * 1000 + tid)
end

function request()
  return wrk.format("GET", paths[math.random(#paths)])
end
