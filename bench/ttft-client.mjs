// A paced streaming load for bench/ttft.sh (not a test): CONNS keep-alive connections, each sending the body, reading
// the whole event stream, pausing PACE_MS, and again, for SECONDS. Per request it times, from the moment the request
// is written: the response headers, the first content event (the first `data:` line with a "delta"), the last byte.
// Prints one JSON line: {"requests":..,"errors":..,"rps":..,"headers":{p50,p90,p99,max},"first":{..},"last":{..}}
// (milliseconds). Plain node:http, no dependencies.
//
//   node bench/ttft-client.mjs URL BODY_FILE SECONDS [CONNS] [PACE_MS] [AUTHORIZATION]
import http from 'node:http';
import fs from 'node:fs';

const [url, bodyFile, secondsArg, connsArg, paceArg, auth] = process.argv.slice(2);
if (!url || !bodyFile || !secondsArg) {
  console.error('usage: node ttft-client.mjs URL BODY_FILE SECONDS [CONNS] [PACE_MS] [AUTHORIZATION]');
  process.exit(2);
}
const seconds = Number(secondsArg);
const conns = Number(connsArg || 10);
const pace = Number(paceArg || 50);
const body = fs.readFileSync(bodyFile);
const target = new URL(url);
const headers = { 'content-type': 'application/json', 'content-length': body.length, accept: 'text/event-stream' };
if (auth) headers.authorization = auth;

const MARK = Buffer.from('"delta"');
const times = { headers: [], first: [], last: [] };
let errors = 0;
let requests = 0;
const until = Date.now() + seconds * 1000;
const ms = (from) => Number(process.hrtime.bigint() - from) / 1e6;

function one(agent) {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    let headersAt = 0;
    let firstAt = 0;
    let tail = Buffer.alloc(0); // the end of the previous chunk: a "data:" line may be cut between chunks
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST',
      headers, agent }, (res) => {
      headersAt = ms(started);
      res.on('data', (chunk) => {
        if (firstAt) return;
        const scan = tail.length ? Buffer.concat([tail, chunk]) : chunk;
        if (scan.indexOf(MARK) >= 0) firstAt = ms(started);
        else tail = scan.subarray(Math.max(0, scan.length - MARK.length));
      });
      res.on('end', () => {
        const lastAt = ms(started);
        if (res.statusCode === 200 && firstAt) {
          times.headers.push(headersAt);
          times.first.push(firstAt);
          times.last.push(lastAt);
          requests++;
        } else {
          errors++;
        }
        resolve();
      });
      res.on('error', () => { errors++; resolve(); });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
}

async function connection() {
  // one socket per loop: an agent of one keep-alive socket, so CONNS loops are CONNS connections
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  while (Date.now() < until) {
    await one(agent);
    if (pace > 0) await new Promise((r) => setTimeout(r, pace));
  }
  agent.destroy();
}

function pct(values) {
  const s = Float64Array.from(values).sort();
  const at = (p) => (s.length ? s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] : NaN);
  const r = (x) => Math.round(x * 1000) / 1000;
  return { p50: r(at(50)), p90: r(at(90)), p99: r(at(99)), max: r(s.length ? s[s.length - 1] : NaN) };
}

const began = Date.now();
await Promise.all(Array.from({ length: conns }, connection));
const elapsed = (Date.now() - began) / 1000;
console.log(JSON.stringify({ requests, errors, rps: Math.round((requests / elapsed) * 10) / 10,
  headers: pct(times.headers), first: pct(times.first), last: pct(times.last) }));
