// Connect + first query with Neon's serverless driver (@neondatabase/serverless over `ws`),
// through a WebSocket proxy in wsproxy style (/v1?address=host:port), for ConnectLatencyHarness.
//
// Usage: node connect-latency.mjs NEAR_PROXY_HOST:PORT FAR_PROXY_HOST:PORT POSTGRES_URL RUNS
// Runs connect + first query RUNS times through each proxy address, interleaved (after two
// warm-up rounds), and prints four numbers in milliseconds: the median through the near proxy,
// the median through the far one, the fastest through the near one, the fastest through the far
// one. The proxy's certificate is verified: give its CA in NODE_EXTRA_CA_CERTS.
import { Client, neonConfig } from '@neondatabase/serverless';
import ws from 'ws';

const [near, far, url, runsArgument] = process.argv.slice(2);
const runs = Number(runsArgument ?? 15);

neonConfig.webSocketConstructor = ws;
neonConfig.useSecureWebSocket = true; // wss:// carries the encryption ...
neonConfig.forceDisablePgSSL = true; // ... so no TLS inside, as with Neon's proxy
neonConfig.pipelineConnect = 'password'; // startup, password and first query in one flight

async function connectAndQuery(proxy) {
  neonConfig.wsProxy = (host, port) => `${proxy}/v1?address=${host}:${port}`;
  const start = process.hrtime.bigint();
  const client = new Client(url);
  await client.connect();
  await client.query('SELECT 1');
  const elapsed = Number(process.hrtime.bigint() - start) / 1e6;
  await client.end();
  return elapsed;
}

for (let i = 0; i < 2; i++) {
  await connectAndQuery(near); // warm-up: module loading, JIT
  await connectAndQuery(far);
}
const nearTimes = [];
const farTimes = [];
for (let i = 0; i < runs; i++) {
  nearTimes.push(await connectAndQuery(near));
  farTimes.push(await connectAndQuery(far));
}
const byValue = (a, b) => a - b;
nearTimes.sort(byValue);
farTimes.sort(byValue);
const median = (times) => times[Math.floor(times.length / 2)];
console.log(
  [median(nearTimes), median(farTimes), nearTimes[0], farTimes[0]].map((t) => t.toFixed(1)).join(' '),
);
