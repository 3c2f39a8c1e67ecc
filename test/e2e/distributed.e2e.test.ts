import { type ChildProcess, spawn } from 'node:child_process'
import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '@ree/embedded'
import { createTestDatabase, processKeys } from '@ree/testing'
import t from 'tap'

const root = resolve(import.meta.dirname, '../..')
// The gateway takes its keys from the environment, as hashes only.
const { API_KEYS, editorKey, editor: authorization } = processKeys('ci')
const db = await createTestDatabase()
const children: ChildProcess[] = []
t.teardown(async () => {
  for (const child of children) child.kill('SIGTERM')
  await Promise.all(
    children.map((child) => (child.exitCode === null ? new Promise((done) => child.once('exit', done)) : 0)),
  )
  await db.drop()
})

/** Starts one service as its own process, configured from the environment alone. */
async function service(entry: string, env: Record<string, string>) {
  const port = await freePort()
  const child = spawn(process.execPath, [entry], {
    cwd: root,
    env: { ...process.env, ...env, DATABASE_URL: db.url, PORT: String(port), LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  })
  children.push(child)
  const base = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 200; attempt++) {
    const status = await fetch(`${base}/health/ready`).then(
      (response) => response.status,
      () => 0,
    )
    if (status === 200) return base
    await sleep(50)
  }
  throw new Error(`${entry} did not become ready`)
}

t.test('each service runs as its own process; a command through the gateway reaches the read model', async (t) => {
  const deposits = await service('services/deposits/src/main.ts', {})
  await service('services/projection/src/main.ts', {})
  const gateway = await service('services/gateway/src/main.ts', { DEPOSITS_URL: deposits, API_KEYS })
  const created = await fetch(`${gateway}/v1/deposits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'idempotency-key': 'distributed-0001', authorization },
    body: JSON.stringify({
      id: 'distributed-hill',
      name: 'Distributed Hill',
      country: 'SE',
      effectiveDate: '2025-03-03',
      sources: [{ publisher: 'test' }],
    }),
  })
  t.equal(created.status, 201)
  t.equal(created.headers.get('location'), '/v1/deposits/distributed-hill')
  t.equal(created.headers.get('etag'), '"1"')
  const read = await fetch(`${gateway}/v1/deposits/distributed-hill?minVersion=1`)
  t.equal(read.status, 200, 'the separate projection process built the read model')
  t.match(await read.json(), { id: 'distributed-hill', country: 'SE', countryName: 'Sweden', version: 1 })
  const bad = await fetch(`${gateway}/v1/deposits/distributed-hill/stage-advances`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({ stage: 'discovered', effectiveDate: '2025-03-04', sources: [{ publisher: 'test' }] }),
  })
  t.equal(bad.status, 422, "the write service's domain error is relayed")
  t.match(bad.headers.get('content-type'), /^application\/problem\+json/)
  t.equal(((await bad.json()) as { type: string }).type, '/problems/stage-unchanged')
})

t.test('the seeds load through a gateway running as its own process', async (t) => {
  const deposits = await service('services/deposits/src/main.ts', {})
  const deals = await service('services/deals/src/main.ts', {})
  const tradeFlows = await service('services/trade-flows/src/main.ts', {})
  const gateway = await service('services/gateway/src/main.ts', {
    DEPOSITS_URL: deposits,
    DEALS_URL: deals,
    TRADE_FLOWS_URL: tradeFlows,
    API_KEYS,
  })
  const seed = spawn(process.execPath, ['infra/embedded/src/seedCli.ts'], {
    cwd: root,
    env: { ...process.env, GATEWAY_URL: gateway, API_KEY: editorKey },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  let output = ''
  seed.stdout?.on('data', (chunk: Buffer) => (output += chunk))
  t.equal(await new Promise((done) => seed.once('exit', done)), 0)
  const result = JSON.parse(output)
  t.ok(result.applied > 50, `${result.applied} seed commands applied over HTTP`)
  t.same([result.changed, result.refused], [[], []])
})

t.test('a service with a bad environment refuses to start and names the variable', async (t) => {
  const child = spawn(process.execPath, ['services/deposits/src/main.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: 'not-a-url', PORT: '3001' },
    stdio: ['ignore', 'ignore', 'pipe'],
  })
  let stderr = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk))
  const code = await new Promise((done) => child.once('exit', done))
  t.not(code, 0)
  t.match(stderr, /DATABASE_URL/)
})

t.test('the gateway answers 503 problem+json when the write service is down', async (t) => {
  const gateway = await service('services/gateway/src/main.ts', {
    DEPOSITS_URL: `http://127.0.0.1:${await freePort()}`,
    API_KEYS,
  })
  const response = await fetch(`${gateway}/v1/deposits`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization },
    body: JSON.stringify({
      name: 'Nowhere',
      country: 'SE',
      effectiveDate: '2025-03-03',
      sources: [{ publisher: 'test' }],
    }),
  })
  t.equal(response.status, 503)
  t.equal(((await response.json()) as { type: string }).type, '/problems/upstream-unavailable')
})
