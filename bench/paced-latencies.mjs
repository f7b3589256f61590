// bench/paced-latencies.mjs - every request's start and latency under a paced load (not a test).
//
// wrk reports a paced run's percentiles; this says WHEN the slow requests were, to set beside a collector's log or
// bench/fsync-latency.mjs: CONNS keep-alive connections, each posting BODY_FILE, reading the whole answer, pausing
// PACE_MS, and again, for SECONDS. Writes OUT with one line per request: its start (ms since the epoch), its latency
// (ms, -1 when it failed) and its status (0 when it failed); prints the percentiles of the answered ones.
//
//   node bench/paced-latencies.mjs URL AUTHORIZATION SECONDS CONNS PACE_MS BODY_FILE OUT
import http from 'node:http';
import fs from 'node:fs';

const [url, auth, secs, conns, pace, bodyFile, out] = process.argv.slice(2);
if (!out || !(Number(secs) > 0) || !(Number(conns) >= 1) || !(Number(pace) >= 0)) {
  console.error('usage: node paced-latencies.mjs URL AUTHORIZATION SECONDS CONNS PACE_MS BODY_FILE OUT');
  process.exit(2);
}
const body = fs.readFileSync(bodyFile);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(conns) });
const end = Date.now() + Number(secs) * 1000;
const rows = [];
function one() {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    const wall = Date.now();
    const request = http.request({
      host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json', authorization: auth, 'content-length': body.length },
    }, (response) => {
      response.on('data', () => {});
      response.on('end', () => {
        rows.push([wall, Number(process.hrtime.bigint() - started) / 1e6, response.statusCode]);
        resolve();
      });
      response.on('error', failed);
    });
    let done = false;
    function failed() {
      if (!done) {
        done = true;
        rows.push([wall, -1, 0]);
        resolve();
      }
    }
    request.setTimeout(10_000, () => request.destroy(new Error('timed out')));
    request.on('error', failed);
    request.end(body);
  });
}
async function connection() {
  while (Date.now() < end) {
    await one();
    await new Promise((r) => setTimeout(r, Number(pace)));
  }
}
await Promise.all(Array.from({ length: Number(conns) }, connection));
fs.writeFileSync(out, rows.map((r) => r.join(' ')).join('\n') + '\n');
const latencies = rows.filter((r) => r[1] >= 0).map((r) => r[1]).sort((a, b) => a - b);
const failures = rows.length - latencies.length;
const non2xx = rows.filter((r) => r[1] >= 0 && (r[2] < 200 || r[2] > 299)).length;
if (latencies.length === 0) {
  console.log(`no answer in ${secs} s (${failures} failed)`);
  process.exit(1);
}
const q = (p) => latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))].toFixed(2);
const rate = (latencies.length / Number(secs)).toFixed(1);
console.log(`answered ${latencies.length} (${non2xx} not 2xx), failed ${failures}, ${rate}/s;`
  + ` p50 ${q(0.5)} ms, p90 ${q(0.9)}, p99 ${q(0.99)}, max ${latencies[latencies.length - 1].toFixed(2)}`);
