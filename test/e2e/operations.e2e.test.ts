import { buildLedger } from '@ree/embedded'
import { createTestDatabase, eventually, metricValue, parseMetrics, withApiKey } from '@ree/testing'
import { readModelsLockKey } from '@ree/transport'
import pg from 'pg'
import { pino } from 'pino'
import t from 'tap'

const db = await createTestDatabase()
const ledger = await buildLedger({
  databaseUrl: db.url,
  logger: pino({ level: 'silent' }),
  maxLag: 3,
  // One client sending thousands of requests: the rate limits are tested in trust.e2e.test.ts.
  trust: { rateLimit: { perKey: 1_000_000, perAddress: 1_000_000 } },
})
// An admin key: these tests use the Operations and Admin routes too (roles are tested in trust.e2e.test.ts).
const api = withApiKey(ledger.gateway, ledger.keys.issue('admin', 'test-client'))
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})

const registration = (id: string) => ({
  id,
  name: `Deposit ${id}`,
  country: 'SE',
  elements: [{ element: 'Nd' }],
  stage: 'exploration',
  effectiveDate: '2025-03-01',
  sources: [{ publisher: 'operations test' }],
})
const register = (id: string, headers: Record<string, string> = {}) =>
  api.inject({ method: 'POST', url: '/v1/deposits', headers, payload: registration(id) })

async function scrape() {
  const response = await api.inject('/metrics')
  return { response, families: parseMetrics(response.body) }
}
const value = metricValue

t.test('/metrics exposes commands by outcome, events, HTTP durations, waits and the projection', async (t) => {
  t.equal((await register('ops-metrics', { 'idempotency-key': 'ops-metrics-1' })).statusCode, 201)
  t.equal((await register('ops-metrics', { 'idempotency-key': 'ops-metrics-1' })).statusCode, 201, 'a replay')
  const unchanged = await api.inject({
    method: 'POST',
    url: '/v1/deposits/ops-metrics/stage-advances',
    payload: { stage: 'exploration', effectiveDate: '2025-04-01', sources: [{ publisher: 'operations test' }] },
  })
  t.equal(unchanged.statusCode, 422, 'a rule refuses it')
  const stale = await api.inject({
    method: 'POST',
    url: '/v1/deposits/ops-metrics/stage-advances',
    headers: { 'if-match': '"7"' },
    payload: { stage: 'feasibility', effectiveDate: '2025-04-01', sources: [{ publisher: 'operations test' }] },
  })
  t.equal(stale.statusCode, 412, 'a stale If-Match')
  const waited = await api.inject('/v1/deposits/ops-metrics?minVersion=50')
  t.equal(waited.statusCode, 503, 'a read-your-writes wait that times out')

  const { response, families } = await scrape()
  t.equal(response.statusCode, 200)
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/, 'the Prometheus text format')
  const command = { service: 'deposits', command: 'RegisterDeposit' }
  t.equal(value(families, 'ree_commands_total', { ...command, outcome: 'accepted' }), 1)
  t.equal(value(families, 'ree_commands_total', { ...command, outcome: 'replayed' }), 1)
  t.equal(value(families, 'ree_commands_total', { service: 'deposits', outcome: 'refused' }), 1)
  t.equal(value(families, 'ree_commands_total', { service: 'deposits', outcome: 'conflict' }), 1)
  t.equal(value(families, 'ree_events_appended_total', { service: 'deposits' }), 1, 'a replay appends nothing')
  t.equal(value(families, 'ree_read_your_writes_timeouts_total', {}), 1)
  const created = { service: 'gateway', method: 'POST', route: '/v1/deposits', status_code: '201' }
  t.equal(value(families, 'http_request_duration_seconds_count', created), 2, 'HTTP durations by route and status')
  t.equal(value(families, 'http_request_duration_seconds_bucket', { ...created, le: '+Inf' }), 2, 'as a histogram')
  t.ok(
    families.some(
      (sample) => sample.name === 'http_request_duration_seconds_count' && sample.labels.status_code === '412',
    ),
    'refusals have their own series',
  )
  t.same(
    families
      .filter((sample) => sample.name === 'ree_projection_behind_head')
      .map((sample) => sample.labels.stream)
      .sort(),
    ['deals', 'deposits', 'trade_flows'],
    'how far the projection is behind each event store',
  )
  t.equal(value(families, 'ree_dead_letters', { subscription: 'read-models' }), 0)
  t.ok(value(families, 'nodejs_eventloop_lag_seconds', {}) !== undefined, 'event-loop lag')
  t.ok(value(families, 'process_resident_memory_bytes', {}) !== undefined, 'process metrics')
  t.equal(value(families, 'ree_readiness', { service: 'gateway', check: 'postgres' }), 1)
})

t.test('on the embedded default the outbox holds no rows after 2,000 commands', async (t) => {
  let next = 0
  const statuses = new Map<number, number>()
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < 2000) {
        const n = next++
        const status = (await register(`ops-bulk-${n}`)).statusCode
        statuses.set(status, (statuses.get(status) ?? 0) + 1)
      }
    }),
  )
  t.same(Object.fromEntries(statuses), { 201: 2000 })
  const outbox = await db.pool.query(
    `SELECT (SELECT count(*) FROM deposits.outbox) + (SELECT count(*) FROM deals.outbox)
       + (SELECT count(*) FROM trade_flows.outbox) AS n`,
  )
  t.equal(Number(outbox.rows[0].n), 0, 'nothing relays it, so nothing is written to it')
  const events = await db.pool.query('SELECT count(*)::int AS n FROM deposits.events')
  t.ok(events.rows[0].n >= 2001, 'while the events are all there')
})

t.test('readiness fails while the projection is behind by more than its lag, and recovers', async (t) => {
  await eventually(async () => ((await api.inject('/health/ready')).statusCode === 200 ? true : undefined), 30_000)
  const holder = new pg.Client({ connectionString: db.url })
  await holder.connect()
  // Held the way a rebuild holds it: projection batches wait, so the projection falls behind.
  await holder.query('SELECT pg_advisory_lock(hashtext($1))', [readModelsLockKey])
  try {
    for (let n = 0; n < 5; n++) t.equal((await register(`ops-behind-${n}`)).statusCode, 201)
    const behind = await api.inject('/health/ready')
    t.equal(behind.statusCode, 503)
    t.match(behind.json(), { type: '/problems/not-ready', detail: /5 events behind head \(PROJECTION_MAX_LAG=3\)/ })
    t.equal((await api.inject('/health/live')).statusCode, 200, 'while it is still alive')
    const { families } = await scrape()
    t.equal(value(families, 'ree_projection_behind_head', { stream: 'deposits' }), 5)
  } finally {
    await holder.query('SELECT pg_advisory_unlock(hashtext($1))', [readModelsLockKey])
    await holder.end()
  }
  await eventually(async () => ((await api.inject('/health/ready')).statusCode === 200 ? true : undefined), 30_000)
  t.pass('ready again once it has caught up')
})

t.test('a dead letter replayed after its cause is fixed lets its entity catch up', async (t) => {
  // The cause: the read model refuses this entity (as a bad migration or constraint would).
  await db.pool.query(`
    CREATE FUNCTION read_models.refuse_frozen() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN IF NEW.id = 'ops-frozen' THEN RAISE EXCEPTION 'ops-frozen is refused'; END IF; RETURN NEW; END $$;
    CREATE TRIGGER refuse_frozen BEFORE INSERT ON read_models.deposit_events
      FOR EACH ROW EXECUTE FUNCTION read_models.refuse_frozen();`)
  t.equal((await register('ops-frozen')).statusCode, 201)
  const operators = await api.inject({
    method: 'POST',
    url: '/v1/deposits/ops-frozen/operator-changes',
    payload: {
      operators: [{ name: 'Frozen Mining', role: 'operator' }],
      effectiveDate: '2025-05-01',
      sources: [{ publisher: 'operations test' }],
    },
  })
  t.equal(operators.statusCode, 200)
  const letters = await eventually(async () => {
    const page = (await api.inject('/v1/dead-letters?limit=10')).json() as {
      items: Array<{ id: number; error: string }>
    }
    return page.items.length === 2 ? page.items : undefined
  }, 20_000)
  t.match(letters, [{ error: /version/ }, { error: /ops-frozen is refused/ }], 'the second follows the first')
  t.equal((await api.inject('/v1/deposits/ops-frozen')).statusCode, 404, 'the entity is frozen')
  t.equal(value((await scrape()).families, 'ree_dead_letters', { subscription: 'read-models' }), 2)

  const stillBroken = await api.inject({
    method: 'POST',
    url: '/v1/admin/dead-letters/replay',
    payload: { subject: 'ops-frozen' },
  })
  t.match(stillBroken.json(), { applied: 0, failed: 1, outcomes: [{ outcome: 'failed', error: /refused/ }] })

  await db.pool.query('DROP TRIGGER refuse_frozen ON read_models.deposit_events')
  const replayed = await api.inject({
    method: 'POST',
    url: '/v1/admin/dead-letters/replay',
    payload: { subject: 'ops-frozen' },
  })
  t.equal(replayed.statusCode, 200)
  t.match(replayed.json(), { applied: 2, failed: 0 })
  const caughtUp = await api.inject('/v1/deposits/ops-frozen')
  t.equal(caughtUp.statusCode, 200)
  t.match(caughtUp.json(), { id: 'ops-frozen', version: 2, operators: [{ name: 'Frozen Mining' }] })
  t.equal(value((await scrape()).families, 'ree_dead_letters', { subscription: 'read-models' }), 0, 'all resolved')
  const again = await api.inject({ method: 'POST', url: `/v1/admin/dead-letters/${letters[0]?.id}/replay` })
  t.equal(again.statusCode, 404, 'a resolved dead letter is not replayed twice')
  t.match(again.headers['content-type'], /^application\/problem\+json/)
})
