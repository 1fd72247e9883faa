-- wrk script of the discovery benchmark (see bench/README.md).
--
--   wrk -t2 -c32 -d20s --latency -s bench/discovery.lua http://127.0.0.1:18080 -- 1000
--
-- Each request asks for the first page (20, sorted by time) of upcoming sessions within
-- RADIUS metres (the argument after `--`, default 1000) of a centre picked at random from the
-- fixed list below (bench/centres.txt: 30 downtown, 10 semi-central, 10 periphery).
-- done() prints one line starting with "LUA " that bench/discovery.sh reads.

local centres = {
  {45.4642, 9.1900}, -- Duomo
  {45.4668, 9.1895}, -- Scala
  {45.4705, 9.1795}, -- Castello
  {45.4719, 9.1877}, -- Brera
  {45.4664, 9.1980}, -- San Babila
  {45.4680, 9.1760}, -- Cadorna
  {45.4623, 9.1757}, -- Sant'Ambrogio
  {45.4597, 9.1891}, -- Missori
  {45.4548, 9.1948}, -- Crocetta
  {45.4740, 9.2050}, -- Porta Venezia
  {45.4717, 9.2016}, -- Palestro
  {45.4685, 9.1950}, -- Montenapoleone
  {45.4652, 9.1865}, -- Cordusio
  {45.4582, 9.1812}, -- Colonne di San Lorenzo
  {45.4535, 9.1700}, -- Porta Genova
  {45.4525, 9.1760}, -- Darsena
  {45.4520, 9.1810}, -- Porta Ticinese
  {45.4775, 9.1850}, -- Moscova
  {45.4840, 9.1870}, -- Porta Garibaldi
  {45.4800, 9.2000}, -- Repubblica
  {45.4755, 9.1950}, -- Turati
  {45.4670, 9.1640}, -- Conciliazione
  {45.4510, 9.2030}, -- Porta Romana
  {45.4600, 9.1940}, -- Statale
  {45.4620, 9.2080}, -- Cinque Giornate
  {45.4753, 9.1783}, -- Arena Civica
  {45.4655, 9.1725}, -- Corso Magenta
  {45.4635, 9.1930}, -- Piazza Fontana
  {45.4570, 9.1685}, -- Sant'Agostino
  {45.4683, 9.1830}, -- Cairoli
  {45.4870, 9.1890}, -- Isola
  {45.4857, 9.2165}, -- Loreto
  {45.4780, 9.2270}, -- Città Studi
  {45.4950, 9.2210}, -- NoLo
  {45.4450, 9.1780}, -- Naviglio Pavese
  {45.4780, 9.1560}, -- CityLife
  {45.4450, 9.2100}, -- Lodi TIBB
  {45.4680, 9.1590}, -- Wagner
  {45.4600, 9.2200}, -- Porta Vittoria
  {45.4860, 9.2040}, -- Centrale
  {45.5140, 9.2110}, -- Bicocca
  {45.5140, 9.1360}, -- Quarto Oggiaro
  {45.4330, 9.1560}, -- Barona
  {45.4480, 9.1300}, -- Lorenteggio
  {45.4780, 9.1240}, -- San Siro
  {45.4100, 9.1760}, -- Gratosoglio
  {45.4340, 9.2390}, -- Rogoredo
  {45.4840, 9.2400}, -- Lambrate
  {45.5180, 9.1900}, -- Niguarda
  {45.4610, 9.0900}, -- Baggio
}

local threads = {}

function setup(thread)
  thread:set("thread_no", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  radius = tonumber(args[1]) or 1000
  -- The same sequence of centres on every run (one sequence per thread).
  math.randomseed(1000 + thread_no)
  non2xx = 0
  empty = 0
  totals = 0
  pages = 0
end

function request()
  local c = centres[math.random(#centres)]
  local path = string.format(
    "/api/v1/sessions?lat=%.4f&lon=%.4f&radius_m=%d&limit=20&sort=time", c[1], c[2], radius)
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    return
  end
  pages = pages + 1
  local total = string.match(body, '"total":(%d+)')
  if total then
    totals = totals + tonumber(total)
  end
  if string.find(body, '"items":[]', 1, true) then
    empty = empty + 1
  end
end

function done(summary, latency, requests)
  local non2xx_all, empty_all, totals_all, pages_all, radius_m = 0, 0, 0, 0, 0
  for _, t in ipairs(threads) do
    non2xx_all = non2xx_all + t:get("non2xx")
    empty_all = empty_all + t:get("empty")
    totals_all = totals_all + t:get("totals")
    pages_all = pages_all + t:get("pages")
    radius_m = t:get("radius")
  end
  local e = summary.errors
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "LUA radius_m=%d requests=%d seconds=%.2f rps=%.1f p50_ms=%.2f p90_ms=%.2f p99_ms=%.2f " ..
    "p99.9_ms=%.2f max_ms=%.2f non2xx=%d socket_errors=%d timeouts=%d " ..
    "empty_pages=%d mean_total=%.1f\n",
    radius_m, summary.requests, seconds, summary.requests / seconds,
    latency:percentile(50) / 1000, latency:percentile(90) / 1000,
    latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000,
    non2xx_all, e.connect + e.read + e.write, e.timeout,
    empty_all, pages_all > 0 and totals_all / pages_all or 0))
end
