-- Gets use-cases by id, each drawn at random from a file of ids (one a line). A second
-- argument replaces the path before each line (the web search page gives "/?" and a file of
-- query strings).
-- wrk ... -s getbyid.lua http://host:port -- IDS_FILE [PREFIX]
local threads = 0

function setup(thread)
  thread:set("tid", threads)
  threads = threads + 1
end

function init(args)
  ids = {}
  for line in io.lines(args[1]) do
    ids[#ids + 1] = (args[2] or "/api/v1/usecases/") .. line
  end
  if #ids == 0 then
    error("no ids in " .. args[1])
  end
  math.randomseed(os.time() * 1000 + tid)
end

function request()
  return wrk.format("GET", ids[math.random(#ids)])
end
