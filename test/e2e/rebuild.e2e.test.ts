import { resolve } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { buildLedger, loadSeeds } from '@ree/embedded'
import { createTestDatabase, eventually, metricValue, parseMetrics, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

t.setTimeout(240_000)
const db = await createTestDatabase()
const ledger = await buildLedger({
  databaseUrl: db.url,
  logger: pino({ level: 'silent' }),
  // One client sending thousands of requests: the rate limits are tested in trust.e2e.test.ts.
  trust: { rateLimit: { perKey: 1_000_000, perAddress: 1_000_000 } },
})
// An admin key: these tests use the Operations and Admin routes too (roles are tested in trust.e2e.test.ts).
const api = withApiKey(ledger.gateway, ledger.keys.issue('admin', 'test-client'))
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})

const register = (id: string) =>
  api.inject({
    method: 'POST',
    url: '/v1/deposits',
    payload: {
      id,
      name: `Deposit ${id}`,
      country: id.length % 2 === 0 ? 'CA' : 'AU',
      elements: [{ element: 'Nd' }, { element: 'Dy' }],
      stage: 'exploration',
      effectiveDate: '2024-02-01',
      sources: [{ publisher: 'rebuild test' }],
    },
  })

async function caughtUp(): Promise<void> {
  await eventually(async () => {
    const samples = parseMetrics((await api.inject('/metrics')).body)
    const behind = samples.filter((sample) => sample.name === 'ree_projection_behind_head')
    return behind.length === 3 && behind.every((sample) => sample.value === 0) ? true : undefined
  }, 60_000)
}

/** Every row of every read-model table, by table, in a stable order. */
async function readModelRows(): Promise<Record<string, string[]>> {
  const tables = await db.pool.query<{ name: string }>(
    `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'read_models' AND tablename <> 'layout' ORDER BY 1`,
  )
  const rows: Record<string, string[]> = {}
  for (const { name } of tables.rows) {
    const result = await db.pool.query<{ row: string }>(
      `SELECT to_jsonb(t)::text AS row FROM read_models.${name} t ORDER BY 1`,
    )
    rows[name] = result.rows.map((row) => row.row)
  }
  return rows
}

interface RebuildStatus {
  phase: string
  events: number
  eventsPerSecond: number
  failed: number
  tables: string[]
}

async function rebuild(name: string): Promise<RebuildStatus> {
  const started = await api.inject({ method: 'POST', url: `/v1/admin/read-models/${name}/rebuild` })
  if (started.statusCode !== 202) throw new Error(`rebuild ${name} answered ${started.statusCode}: ${started.body}`)
  const location = String(started.headers.location)
  const phases: string[] = []
  const startedAt = Date.now()
  const final = await eventually(async () => {
    const status = (await api.inject(location)).json() as RebuildStatus
    if (phases.at(-1)?.split(' ')[0] !== status.phase)
      phases.push(`${status.phase} ${Date.now() - startedAt}ms ${status.events}`)
    return status.phase === 'done' || status.phase === 'failed' ? status : undefined
  }, 120_000)
  t.comment(phases.join(' | '))
  return final
}

await loadSeeds(ledger.gateway, resolve(import.meta.dirname, '../../seeds'), ledger.seedKey)
for (let n = 0; n < 300; n++) {
  const response = await register(`rebuild-${n}`)
  if (response.statusCode !== 201) throw new Error(`setup: rebuild-${n} answered ${response.statusCode}`)
}
await caughtUp()

t.test('a rebuild under read traffic ends equal to the live read model, with zero failed reads', async (t) => {
  const before = await readModelRows()
  const oid = async () => (await db.pool.query(`SELECT 'read_models.deposit_states'::regclass::oid AS oid`)).rows[0].oid
  const oidBefore = await oid()

  const reads = { ok: 0, failed: [] as string[] }
  let reading = true
  const urls = [
    '/v1/deposits?country=CA&limit=50',
    '/v1/deposits/rebuild-7',
    '/v1/deposits/rebuild-150?asOf=2024-03-01',
    '/v1/deals?limit=20',
    '/v1/restrictions?limit=20',
    '/v1/shipments?limit=20',
  ]
  const readers = Promise.all(
    urls.map(async (url) => {
      while (reading) {
        await sleep(2)
        const response = await api.inject(url)
        if (response.statusCode === 200) reads.ok += 1
        else reads.failed.push(`${url}: ${response.statusCode} ${response.body.slice(0, 200)}`)
      }
    }),
  )
  const written: string[] = []
  const writer = (async () => {
    for (let n = 0; n < 30; n++) {
      if ((await register(`rebuild-during-${n}`)).statusCode === 201) written.push(`rebuild-during-${n}`)
    }
  })()
  const done = await rebuild('all')
  await writer
  reading = false
  await readers

  t.equal(done.phase, 'done')
  t.equal(done.failed, 0, 'every event applied')
  t.ok(done.events >= 356, `${done.events} events at ${done.eventsPerSecond} events/s`)
  t.comment(`rebuild: ${done.events} events, ${done.eventsPerSecond} events/s, tables ${done.tables.join(', ')}`)
  t.same(reads.failed, [], `no read failed (${reads.ok} reads during the rebuild)`)
  t.ok(reads.ok > 50, 'reads went on throughout')
  t.not(await oid(), oidBefore, 'the readers were switched to new tables')

  await caughtUp()
  const after = await readModelRows()
  const during = new Set(written)
  const withoutWritesDuring = (rows: string[]) =>
    rows.filter((row) => !during.has((JSON.parse(row) as { id?: string }).id ?? ''))
  t.same(Object.keys(after), Object.keys(before), 'the same tables')
  for (const table of Object.keys(before)) {
    t.same(
      withoutWritesDuring(after[table] ?? []),
      before[table],
      `${table} is equal to the live read model it replaced`,
    )
  }
  t.equal(written.length, 30)
  for (const id of written) {
    t.equal((await api.inject(`/v1/deposits/${id}`)).statusCode, 200, `${id}, written during the rebuild, is there`)
  }
})

t.test('one read model can be rebuilt alone', async (t) => {
  const before = await readModelRows()
  const done = await rebuild('deposits')
  t.equal(done.phase, 'done')
  t.same(done.tables, ['deposit_events', 'deposit_states', 'deposit_streams'])
  t.same(await readModelRows(), before, 'and it too ends equal')
  const samples = parseMetrics((await api.inject('/metrics')).body)
  t.equal(metricValue(samples, 'ree_readiness', { service: 'gateway', check: 'postgres' }), 1)
  const unknown = await api.inject({ method: 'POST', url: '/v1/admin/read-models/nonsense/rebuild' })
  t.equal(unknown.statusCode, 400, 'an unknown read model is a 400')
})
