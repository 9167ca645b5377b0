-- Posts sentry-java's envelope, gzip'd, with a new event id per request (bench/monitoring.sh). The pieces around the
-- two event ids were deflated ahead by bench/monitoring-envelopes.py; each request puts its id between them as stored
-- deflate blocks and combines the CRC-32s (zlib's crc32_combine), so nothing is compressed at request time.
-- Environment: BENCH_DIR (the generator's output), BENCH_SIZE (small or large), BENCH_KEY (the DSN key),
-- BENCH_PROJECT, BENCH_RUN (16 hex digits, different every run). Answers are counted by status.
local bit = require("bit")
local dir, size = os.getenv("BENCH_DIR"), os.getenv("BENCH_SIZE")
local POLY = -306674912 -- 0xEDB88320 as a signed 32-bit number

local function slurp(name)
  local f = assert(io.open(dir .. "/" .. size .. "." .. name, "rb"))
  local s = f:read("*a")
  f:close()
  return s
end

local crc_table = {}
for i = 0, 255 do
  local c = i
  for _ = 1, 8 do
    if bit.band(c, 1) ~= 0 then c = bit.bxor(bit.rshift(c, 1), POLY) else c = bit.rshift(c, 1) end
  end
  crc_table[i] = c
end

local function crc32(s)
  local c = -1
  for i = 1, #s do
    c = bit.bxor(crc_table[bit.band(bit.bxor(c, s:byte(i)), 0xff)], bit.rshift(c, 8))
  end
  return bit.bnot(c)
end

-- a * b modulo the CRC-32 polynomial (zlib's multmodp): combine(c1, c2, len2) = multmodp(x^(8 len2), c1) xor c2
local function multmodp(a, b)
  local m, p = bit.lshift(1, 31), 0
  while true do
    if bit.band(a, m) ~= 0 then
      p = bit.bxor(p, b)
      if bit.band(a, m - 1) == 0 then return p end
    end
    m = bit.rshift(m, 1)
    if bit.band(b, 1) ~= 0 then b = bit.bxor(bit.rshift(b, 1), POLY) else b = bit.rshift(b, 1) end
  end
end

local function le32(x)
  return string.char(bit.band(x, 0xff), bit.band(bit.rshift(x, 8), 0xff), bit.band(bit.rshift(x, 16), 0xff), bit.band(bit.rshift(x, 24), 0xff))
end

local threads = {}
function setup(thread)
  table.insert(threads, thread)
  thread:set("index", #threads)
end

function init(args)
  params = dofile(dir .. "/" .. size .. ".lua")
  a, c = slurp("a"), slurp("c")
  for k, v in ipairs(params.variants) do v.deflated = slurp("b" .. (k - 1)) end
  prefix = os.getenv("BENCH_RUN")
  path = "/api/" .. os.getenv("BENCH_PROJECT") .. "/envelope/"
  headers = {
    ["X-Sentry-Auth"] = "Sentry sentry_version=7,sentry_client=sentry.java/8.27.1,sentry_key=" .. os.getenv("BENCH_KEY"),
    ["Content-Type"] = "application/x-sentry-envelope",
    ["Content-Encoding"] = "gzip",
    ["User-Agent"] = "sentry.java/8.27.1",
  }
  counter = 0
  statuses = {}
  math.randomseed(index)
end

function request()
  counter = counter + 1
  local id = prefix .. string.format("%04x%012x", index, counter)
  local v = params.variants[math.random(#params.variants)]
  local crc_id = crc32(id)
  local crc = bit.bxor(multmodp(params.op_id, params.crc_a), crc_id)
  crc = bit.bxor(multmodp(v.op, crc), v.crc)
  crc = bit.bxor(multmodp(params.op_id, crc), crc_id)
  crc = bit.bxor(multmodp(params.op_c, crc), params.crc_c)
  local block = "\0\32\0\223\255" .. id
  local body = "\31\139\8\0\0\0\0\0\0\255" .. a .. block .. v.deflated .. block .. c
      .. le32(crc) .. le32(params.len_a + 32 + v.len + 32 + params.len_c)
  return wrk.format("POST", path, headers, body)
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    for status, n in pairs(t:get("statuses")) do total[status] = (total[status] or 0) + n end
  end
  local parts = {}
  for status, n in pairs(total) do table.insert(parts, status .. "=" .. n) end
  table.sort(parts)
  io.write("statuses: ", table.concat(parts, " "), "\n")
end
