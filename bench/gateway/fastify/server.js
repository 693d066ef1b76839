// Minimal Fastify server for bench/gateway/run.sh: answers GET /health and
// GET /api/bootstrap/status with the JSON documents the Mosaic daemon returned in the same run
// (files given as HEALTH_JSON and BOOTSTRAP_STATUS_JSON), serialised per request like a
// handler returning an object. No logger, no plugins. Listens on 127.0.0.1:PORT (0 = any free
// port) and writes the port it got to PORT_FILE once listening.
'use strict';
const fs = require('node:fs');
const Fastify = require('fastify');

const health = JSON.parse(fs.readFileSync(process.env.HEALTH_JSON, 'utf8'));
const bootstrapStatus = JSON.parse(fs.readFileSync(process.env.BOOTSTRAP_STATUS_JSON, 'utf8'));

const app = Fastify({ logger: false });
app.get('/health', async () => health);
app.get('/api/bootstrap/status', async () => bootstrapStatus);

app.listen({ host: '127.0.0.1', port: Number(process.env.PORT || 0) }).then(() => {
  const port = app.server.address().port;
  if (process.env.PORT_FILE) fs.writeFileSync(process.env.PORT_FILE, `${port}\n`);
}, (err) => {
  console.error(err);
  process.exit(1);
});

for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => app.close().then(() => process.exit(0)));
