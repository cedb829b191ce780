// Neon's serverless driver, neon() over HTTP, against the test kit's HTTP SQL endpoint.
//
// Environment: DATABASE_URL (postgresql://user:password@ep-….local.aws.neon.tech/neondb),
// HTTP_SQL_ADDRESS (127.0.0.1:PORT where the endpoint listens), NODE_EXTRA_CA_CERTS (the kit's CA),
// TABLE (an empty table "(id int primary key)" the caller created and drops).
// The driver derives its own URL (https://api.<domain>/sql); the fetch function below only pins that
// name to the kit's loopback address, keeping SNI and the certificate check. Prints one JSON object
// of observations for the JUnit test to check.
import { neon, neonConfig } from '@neondatabase/serverless';
import https from 'node:https';

const [kitHost, kitPort] = process.env.HTTP_SQL_ADDRESS.split(':');
const url = process.env.DATABASE_URL;
const table = process.env.TABLE;
const seenUrls = new Set();

function pinnedFetch(target, init) {
  const address = new URL(target);
  seenUrls.add(`${address.protocol}//${address.host}${address.pathname}`);
  return new Promise((resolve, reject) => {
    const request = https.request(
      {
        hostname: address.hostname,
        servername: address.hostname,
        port: Number(kitPort),
        path: address.pathname,
        method: init.method,
        headers: { ...init.headers, host: address.host },
        lookup: (hostname, options, callback) =>
          options && options.all
            ? callback(null, [{ address: kitHost, family: 4 }])
            : callback(null, kitHost, 4),
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () =>
          resolve(
            new Response(Buffer.concat(chunks), {
              status: response.statusCode,
              headers: Object.entries(response.headers).map(([k, v]) => [k, String(v)]),
            }),
          ),
        );
      },
    );
    request.on('error', reject);
    request.end(init.body);
  });
}

neonConfig.fetchFunction = pinnedFetch; // fetchEndpoint stays the driver's default
const sql = neon(url);
const observations = {};

async function capture(name, work) {
  try {
    observations[name] = { ok: await work() };
  } catch (error) {
    observations[name] = {
      error: {
        type: error.constructor.name,
        message: error.message,
        code: error.code ?? null,
        position: error.position ?? null,
        severity: error.severity ?? null,
        detail: error.detail ?? null,
        constraint: error.constraint ?? null,
      },
    };
  }
}

await capture('template', async () => sql`SELECT ${41}::int + 1 AS answer, ${'x'} AS letter`);

await capture('fullResults', async () => {
  const result = await sql.query(
    `SELECT $1::text AS t, 9007199254740993::int8 AS big, true AS b, 1.5::float8 AS f,
            timestamptz '2024-01-02 03:04:05+00' AS ts, ARRAY[1, NULL, 3] AS arr,
            '{"a": [1]}'::jsonb AS j, NULL::int AS n`,
    ['text'],
    { fullResults: true, arrayMode: true },
  );
  const row = result.rows[0];
  return {
    command: result.command,
    rowCount: result.rowCount,
    rowAsArray: result.rowAsArray,
    fields: result.fields.map((f) => [f.name, f.dataTypeID]),
    values: [row[0], row[1], row[2], row[3], row[4].toISOString(), row[5], row[6], row[7]],
  };
});

await capture('syntaxError', async () => sql`SELECT 1 FROM nowhere_table`);

await capture('transaction', async () => {
  const results = await sql.transaction([
    sql.query(`INSERT INTO ${table} VALUES (1), (2)`),
    sql.query(`SELECT count(*)::int AS n FROM ${table}`),
  ]);
  return results.map((rows) => rows);
});

await capture('failedTransaction', async () =>
  sql.transaction([
    sql.query(`INSERT INTO ${table} VALUES (3)`),
    sql.query(`INSERT INTO ${table} VALUES (1)`),
  ]),
);

await capture('countAfterFailure', async () => sql.query(`SELECT count(*)::int AS n FROM ${table}`));

await capture('readOnlyTransaction', async () =>
  sql.transaction((txn) => [txn`SHOW transaction_isolation`, txn.query(`INSERT INTO ${table} VALUES (4)`)], {
    readOnly: true,
    isolationLevel: 'Serializable',
    deferrable: true,
  }),
);

await capture('readOnlyModes', async () =>
  sql.transaction(
    (txn) => [txn`SHOW transaction_isolation`, txn`SHOW transaction_read_only`, txn`SHOW transaction_deferrable`],
    { readOnly: true, isolationLevel: 'RepeatableRead', deferrable: true },
  ),
);

await capture('wrongPassword', async () => {
  const wrong = new URL(url);
  wrong.password = 'wrong_password';
  return neon(wrong.toString())`SELECT 1`;
});

observations.urls = [...seenUrls];
console.log(JSON.stringify(observations));
