// bench/fsync-latency.mjs - how long this machine's disk takes to make one small write durable (not a test).
//
// Every durable commit of PostgreSQL (fsync and synchronous_commit on, as Tollgate runs it) ends in an fdatasync of
// its write-ahead log; a reservation waits for one before its request is forwarded. This writes 8 KB and calls
// fdatasync, again and again (PAUSE_MS between), in DIR (default: the system's temporary directory; give the disk
// PostgreSQL's data is on), for SECONDS, and prints the latency's distribution and the slow ones in time: a disk
// whose syncs stall in bursts stalls every durable commit with them, whatever the software above it does.
//
//   node bench/fsync-latency.mjs [SECONDS=60] [DIR] [PAUSE_MS=5]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const seconds = Number(process.argv[2] || 60);
const dir = process.argv[3] || os.tmpdir();
const pause = Number(process.argv[4] || 5);
if (!(seconds > 0) || !(pause >= 0)) {
  console.error('usage: node fsync-latency.mjs [SECONDS=60] [DIR] [PAUSE_MS=5]');
  process.exit(2);
}
const file = path.join(dir, `fsync-latency-${process.pid}.dat`);
const fd = fs.openSync(file, 'w');
fs.unlinkSync(file); // written through its descriptor only: nothing is left behind, even after Ctrl-C
const block = Buffer.alloc(8192, 'x');
const samples = []; // [seconds since start, milliseconds]
const start = process.hrtime.bigint();
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
try {
  for (let i = 0; Number(process.hrtime.bigint() - start) / 1e9 < seconds; i++) {
    const before = process.hrtime.bigint();
    fs.writeSync(fd, block, 0, block.length, (i % 128) * block.length);
    fs.fdatasyncSync(fd);
    const after = process.hrtime.bigint();
    samples.push([Number(before - start) / 1e9, Number(after - before) / 1e6]);
    if (pause > 0) sleep(pause);
  }
} finally {
  fs.closeSync(fd);
}
const sorted = samples.map((s) => s[1]).sort((a, b) => a - b);
const q = (p) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))].toFixed(2);
const over = (ms) => sorted.filter((x) => x > ms).length;
console.log(`# fdatasync of 8 KB in ${dir}: ${sorted.length} in ${seconds} s (${pause} ms between)`);
console.log(`p50 ${q(0.5)} ms, p90 ${q(0.9)}, p99 ${q(0.99)}, p99.9 ${q(0.999)},`
  + ` max ${sorted[sorted.length - 1].toFixed(1)}`);
console.log(`slower than 5 ms: ${over(5)}, than 10 ms: ${over(10)}, than 30 ms: ${over(30)}`);
// the slow ones grouped into bursts (less than a second apart): when the disk stalled, and for how long
const bursts = [];
for (const [at, ms] of samples.filter((s) => s[1] > 10)) {
  const last = bursts[bursts.length - 1];
  if (last && at - last.end < 1) {
    last.end = at; last.count++; last.max = Math.max(last.max, ms);
  } else {
    bursts.push({ start: at, end: at, count: 1, max: ms });
  }
}
for (const b of bursts) {
  console.log(`  at ${b.start.toFixed(1)} s for ${(b.end - b.start).toFixed(1)} s: ${b.count} syncs over 10 ms,`
    + ` the longest ${b.max.toFixed(1)} ms`);
}
