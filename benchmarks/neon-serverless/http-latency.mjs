// First query with Neon's serverless driver over HTTP (neon(), @neondatabase/serverless), for
// ConnectLatencyHarness: neonConfig.fetchEndpoint names a latency relay in front of an endpoint in
// the shape of Neon's SQL over HTTP; the driver's own fetch (Node's) sends the request.
//
// Usage: node http-latency.mjs cold|warm RUNS POSTGRES_URL NEAR_URL FAR_URL [NEAR_URL FAR_URL ...]
// Each run is a new neon() and its first query (SELECT 1), through the near relay (no delay) and
// the far one, interleaved, after two warm-up rounds. warm: one relay pair for every run, so fetch
// reuses its kept-alive connection to each (the request alone). cold: RUNS + 2 pairs, each used
// once, so every query opens a new connection (TCP, TLS, then the request), as the first query of a
// new function instance does. Prints four numbers in milliseconds: the median through the near
// relay, the median through the far one, the fastest through the near one, the fastest through the
// far one. The endpoint's certificate is verified: give its CA in NODE_EXTRA_CA_CERTS.
import { neon, neonConfig } from '@neondatabase/serverless';

const [mode, runsArgument, url, ...endpoints] = process.argv.slice(2);
const runs = Number(runsArgument);
const pairs = [];
for (let i = 0; i + 1 < endpoints.length; i += 2) {
  pairs.push([endpoints[i], endpoints[i + 1]]);
}
const needed = mode === 'cold' ? runs + 2 : 1;
if ((mode !== 'cold' && mode !== 'warm') || !(runs > 0) || pairs.length < needed) {
  console.error(`usage: cold|warm RUNS POSTGRES_URL and ${needed} NEAR_URL FAR_URL pair(s)`);
  process.exit(2);
}

async function firstQuery(endpoint) {
  neonConfig.fetchEndpoint = endpoint; // read when the query starts
  const start = process.hrtime.bigint();
  const sql = neon(url);
  const rows = await sql.query('SELECT 1 AS one');
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  if (rows.length !== 1 || Number(rows[0].one) !== 1) {
    throw new Error(`unexpected result: ${JSON.stringify(rows)}`);
  }
  return elapsed;
}

const nearTimes = [];
const farTimes = [];
for (let i = 0; i < runs + 2; i++) {
  const [near, far] = pairs[mode === 'cold' ? i : 0];
  const nearTime = await firstQuery(near);
  const farTime = await firstQuery(far);
  if (i >= 2) { // the first two rounds warm up: module loading, JIT
    nearTimes.push(nearTime);
    farTimes.push(farTime);
  }
}
const byValue = (a, b) => a - b;
nearTimes.sort(byValue);
farTimes.sort(byValue);
const median = (times) => times[Math.floor(times.length / 2)];
console.log(
  [median(nearTimes), median(farTimes), nearTimes[0], farTimes[0]].map((t) => t.toFixed(1)).join(' '),
);
process.exit(0); // idle kept-alive connections would keep the process up a few seconds more
