/**
 * A ledger started on the data of the previous release (test/fixtures/release-1, made
 * by make-fixture.ts beside it) serves the same reads, except where this release
 * answers differently on purpose: each such difference is named below and its new
 * value asserted.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { buildLedger, loadSeeds } from '@ree/embedded'
import { READ_MODELS_VERSION } from '@ree/read-models'
import { createTestDatabase, eventually, readWhenCaughtUp, withApiKey } from '@ree/testing'
import { pino } from 'pino'
import t from 'tap'

type Answer = { status: number; body: Record<string, unknown> }
type View = Record<string, unknown> & { id?: string; version?: number; lastRecordedAt?: string }

const fixture = resolve(import.meta.dirname, '../fixtures/release-1')
const rows: Record<string, Array<Record<string, unknown>>> = JSON.parse(
  readFileSync(resolve(fixture, 'rows.json'), 'utf8'),
)
const old: Record<string, Answer> = JSON.parse(readFileSync(resolve(fixture, 'answers.json'), 'utf8'))

const db = await createTestDatabase()
await db.pool.query(readFileSync(resolve(fixture, 'schema.sql'), 'utf8'))
for (const [table, tableRows] of Object.entries(rows)) {
  await db.pool.query(`INSERT INTO ${table} SELECT * FROM jsonb_populate_recordset(NULL::${table}, $1)`, [
    JSON.stringify(tableRows),
  ])
}
const eventTables = ['deposits.events', 'deals.events', 'trade_flows.events']
// On the server that wrote them these transactions are in the past; so they must be on this one.
const loadedXid = await db.pool.query<{ xid: string }>(
  `SELECT max(transaction_id)::text AS xid FROM (${eventTables.map((table) => `SELECT transaction_id FROM ${table}`).join(' UNION ALL ')}) e`,
)
for (let burnt = 0; burnt < 100_000; burnt += 1) {
  const moved = await db.pool.query<{ past: boolean }>(
    'SELECT pg_snapshot_xmin(pg_current_snapshot()) > $1::xid8 AS past, pg_current_xact_id()',
    [loadedXid.rows[0]?.xid],
  )
  if (moved.rows[0]?.past) break
}
const storedRows = async () => {
  const stored: Record<string, unknown[]> = {}
  for (const table of eventTables) {
    stored[table] = (await db.pool.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY global_position`)).rows
  }
  for (const table of ['deposits.outbox', 'deals.outbox', 'trade_flows.outbox']) {
    stored[table] = (await db.pool.query(`SELECT to_jsonb(t) AS row FROM ${table} t ORDER BY id`)).rows
  }
  return stored
}
const rowsAsLoaded = await storedRows()

const ledger = await buildLedger({ databaseUrl: db.url, logger: pino({ level: 'silent' }) })
t.teardown(async () => {
  await ledger.close()
  await db.drop()
})
// An admin key: these tests use the Operations and Admin routes too (roles are tested in trust.e2e.test.ts).
const api = withApiKey(ledger.gateway, ledger.keys.issue('admin', 'test-client'))
const countStoredEvents = async () => {
  let total = 0
  for (const table of eventTables) {
    total += (await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]?.n ?? 0
  }
  return total
}
// A patient client: it asks again while the read model is behind (the upgrade rebuilds it, the seeds load).
const get = async (path: string): Promise<Answer> => {
  const response = await readWhenCaughtUp(api, path)
  return { status: response.statusCode, body: response.json() }
}

const details = Object.keys(old).filter((path) => /^\/v1\/[a-z]+\/[a-z0-9-]+$/.test(path))
await eventually(async () => {
  for (const path of details) {
    if ((await get(path)).body.version !== old[path]?.body.version) return undefined
  }
  return true
}, 60_000)

const today = new Date().toISOString().slice(0, 10)
const dayAfter = (date: string) => new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
const resourceOf = (path: string) => /^\/v1\/([a-z]+)/.exec(path)?.[1] ?? ''
const query = (path: string) => new URLSearchParams(path.split('?')[1] ?? '')
const viewsOf = (body: Record<string, unknown>): View[] =>
  Array.isArray(body.items) ? (body.items as View[]) : [body as View]

/**
 * The deliberate differences, each applied to the previous release's answer to give
 * this release's. Each returns whether it changed anything, so that each is shown to occur.
 */
const differences: Record<string, (path: string, answer: Answer) => boolean> = {
  // v1 named the stage it moved from; v2 names only the stage reached (the one before is the timeline's).
  'stage events in histories are v2': (path, answer) => {
    if (!path.includes('/history')) return false
    let changed = false
    for (const event of viewsOf(answer.body)) {
      const type = /^ree\.deposit\.stage-(advanced|reversed)\.v1$/.exec(String(event.type))
      if (!type) continue
      const { from: _from, to, ...data } = event.data as Record<string, unknown>
      event.type = `ree.deposit.stage-${type[1]}.v2`
      event.data = { ...data, stage: to }
      changed = true
    }
    return changed
  },
  // A suspension dated `until` a day that has passed lapses: in force again from the day after.
  'a lapsed suspension is in force again': (path, answer) => {
    if (resourceOf(path) !== 'restrictions' || path.includes('/history')) return false
    let changed = false
    for (const view of viewsOf(answer.body)) {
      const until = view.suspendedUntil
      if (view.status !== 'suspended' || typeof until !== 'string' || until >= today) continue
      view.status = 'in-force'
      view.statusSince = dayAfter(until)
      delete view.suspendedUntil
      changed = true
    }
    return changed
  },
  // A deposit says whether a law, regulator or court blocks it; none of the previous release's was.
  'a deposit says whether it is blocked': (path, answer) => {
    if (resourceOf(path) !== 'deposits' || path.includes('/history')) return false
    let changed = false
    for (const view of viewsOf(answer.body)) {
      if (!('stageHistory' in view)) continue
      Object.assign(view, { blocked: false, blockingHistory: [] })
      changed = true
    }
    return changed
  },
  // A shipment's detail lists the restrictions that reach it; the fixture records none on its shipments' origins.
  'a shipment detail says which restrictions reach it': (path, answer) => {
    if (!/^\/v1\/shipments\/[^/?]+(\?|$)/.test(path) || typeof answer.body.flowDate !== 'string') return false
    const origin = answer.body.origin
    const restricted = rows['trade_flows.events']?.filter(
      (row) => row.type === 'ree.restriction.imposed.v1' && (row.data as { origin?: string }).origin === origin,
    )
    if (restricted?.length !== 0) throw new Error(`the fixture was expected to record no restriction on ${origin}`)
    answer.body.compliance = { date: answer.body.flowDate, restrictions: [] }
    return true
  },
  // A deal names the facilities it funds or buys from; the previous release knew no facility.
  'a deal names its facilities': (path, answer) => {
    if (resourceOf(path) !== 'deals' || path.includes('/history') || path.includes('/aggregates')) return false
    let changed = false
    for (const view of viewsOf(answer.body)) {
      if (!('depositIds' in view)) continue
      view.facilityIds = []
      if ('unresolvedDepositIds' in view) Object.assign(view, { facilities: [], unresolvedFacilityIds: [] })
      changed = true
    }
    return changed
  },
  // A deposit's detail names the facilities it feeds; the previous release knew no facility.
  "a deposit's detail names the facilities it feeds": (path, answer) => {
    if (!/^\/v1\/deposits\/[a-z0-9-]+(\?|$)/.test(path) || answer.status !== 200) return false
    answer.body.facilities = []
    return true
  },
  // With late facts the state on a past date depends on all that is known: an as-of view
  // carries the version and last record time of the knowledge it was read from.
  'an as-of view carries the version of the knowledge read': (path, answer) => {
    const valid = query(path)
    if (!valid.has('asOf') && !valid.has('inForceOn')) return false
    let changed = false
    for (const view of viewsOf(answer.body)) {
      const current = old[`/v1/${resourceOf(path)}/${view.id}`]?.body
      if (view.version === undefined || !current) continue
      changed ||= view.version !== current.version
      view.version = current.version as number
      view.lastRecordedAt = current.lastRecordedAt as string
    }
    return changed
  },
  // The previous release's corridors ignored asOf; this one answers from the shipments known on that date.
  'corridors answer as of the date': (path, answer) => {
    const asOf = query(path).get('asOf')
    if (resourceOf(path) !== 'corridors' || !asOf) return false
    const shipmentsBy = rows['trade_flows.events']?.filter(
      (row) => row.type === 'ree.shipment.recorded.v1' && String(row.effective_date) <= asOf,
    )
    if (shipmentsBy?.length !== 0) throw new Error('the fixture was expected to record no shipment by this date')
    answer.body.items = []
    return true
  },
}
const applied = new Map<string, string[]>()
const cursors: Array<{ path: string; previous: unknown; current: unknown }> = []

/** The previous release's answer as this release gives it; cursors are compared on their own. */
function expected(path: string, answer: Answer): Answer {
  const copy: Answer = structuredClone(answer)
  for (const [name, difference] of Object.entries(differences)) {
    if (difference(path, copy)) applied.set(name, [...(applied.get(name) ?? []), path])
  }
  return copy
}

t.test('every read of the previous release is answered the same, but for the named differences', async (t) => {
  for (const [path, answer] of Object.entries(old)) {
    if (query(path).has('cursor')) continue
    const current = await get(path)
    const wanted = expected(path, answer)
    if ('nextCursor' in wanted.body) {
      cursors.push({ path, previous: wanted.body.nextCursor, current: current.body.nextCursor })
      wanted.body.nextCursor = current.body.nextCursor
    }
    t.same(current, wanted, path)
  }
  for (const name of Object.keys(differences)) {
    t.ok(applied.get(name)?.length, `${name}: seen in ${applied.get(name)?.join(', ')}`)
  }
})

t.test('cursors changed format: a new cursor pages the same, a cursor of the previous release is a 400', async (t) => {
  const paged = cursors.filter((cursor) => cursor.previous !== null)
  t.ok(paged.length >= 3, 'some of the reads are paged')
  for (const cursor of cursors) {
    if (cursor.previous === null) t.equal(cursor.current, null, `${cursor.path}: the last page, as before`)
    else t.not(cursor.current, cursor.previous, `${cursor.path}: a cursor in the new format`)
  }
  const secondPage = Object.keys(old).find((path) => query(path).has('cursor')) ?? ''
  const firstPage = cursors.find((cursor) => cursor.path === '/v1/deposits?limit=4')
  const next = await get(`/v1/deposits?limit=4&cursor=${encodeURIComponent(String(firstPage?.current))}`)
  const wanted = expected(secondPage, old[secondPage] as Answer)
  t.same(next.body.items, wanted.body.items, 'the page after the first is the one the previous release gave')

  const stale = await get(secondPage)
  t.equal(stale.status, 400, "a client's cursor from before the upgrade is refused")
  t.match(stale.body, { status: 400, errors: [{ field: 'querystring.cursor' }] })
})

t.test('the read models were rebuilt in the new layout from the stored events', async (t) => {
  const layout = await db.pool.query(
    `SELECT to_regclass('read_models.deposits') AS previous, (SELECT max(version) FROM read_models.layout) AS version`,
  )
  t.same(layout.rows, [{ previous: null, version: READ_MODELS_VERSION }], 'the previous layout is gone')
  const projected = await db.pool.query<{ events: number }>(
    `SELECT (SELECT count(*) FROM read_models.deposit_events) + (SELECT count(*) FROM read_models.deal_events)
          + (SELECT count(*) FROM read_models.shipment_events) + (SELECT count(*) FROM read_models.restriction_events) AS events`,
  )
  const stored = eventTables.reduce((sum, table) => sum + (rows[table]?.length ?? 0), 0)
  t.equal(Number(projected.rows[0]?.events), stored, `all ${stored} stored events are in the read models`)
  const deadLetters = await get('/v1/dead-letters')
  t.same(deadLetters.body.items, [], 'none of them failed')
})

t.test('the stored events and outbox rows are unchanged after the new ledger ran', async (t) => {
  t.same(await storedRows(), rowsAsLoaded)
})

t.test('a retried command of the previous release is replayed, not applied again', async (t) => {
  const retried = await api.inject({
    method: 'POST',
    url: '/v1/deposits/araxa/stage-advances',
    headers: { 'idempotency-key': 'release-1:/v1/deposits/araxa/stage-advances:2025-11-01' },
    payload: {
      sources: [{ publisher: 'Release One Gazette', url: 'https://example.org/release-one' }],
      stage: 'feasibility',
      effectiveDate: '2025-11-01',
    },
  })
  t.equal(retried.headers['idempotent-replayed'], 'true')
  const stored = rows['deposits.events']?.find((row) => row.stream_id === 'deposit-araxa' && row.stream_version === 3)
  // The answer the previous release stored, and now the token that names that write.
  t.same(retried.json(), {
    id: 'araxa',
    streamVersion: 3,
    eventIds: [stored?.event_id],
    consistencyToken: Buffer.from('deposit:araxa:3').toString('base64url'),
  })
})

t.test('new commands on upgraded entities are accepted', async (t) => {
  const source = { sources: [{ publisher: 'Release Two Gazette' }] }
  const advanced = await api.inject({
    method: 'POST',
    url: '/v1/deposits/release-one-ridge/stage-advances',
    headers: { 'if-match': '"4"' },
    payload: { stage: 'permitting', effectiveDate: '2025-09-01', ...source },
  })
  t.equal(advanced.statusCode, 200, advanced.body)
  t.equal(advanced.json().streamVersion, 5)
  const ridge = (await get('/v1/deposits/release-one-ridge?minVersion=5')).body
  t.match(ridge, { stage: 'permitting', version: 5 })
  const late = await api.inject({
    method: 'POST',
    url: '/v1/deposits/release-one-ridge/stage-advances',
    payload: { stage: 'construction', effectiveDate: '2022-01-01', ...source },
  })
  t.equal(late.statusCode, 422, 'judged on the timeline the v1 events make: permitting follows in 2023')

  const signed = await api.inject({
    method: 'POST',
    url: '/v1/deals/apple-mp-2025/status-changes',
    headers: { 'if-match': '"2"' },
    payload: { status: 'in-effect', effectiveDate: '2026-02-01', ...source },
  })
  t.equal(signed.statusCode, 200, signed.body)
  t.match((await get('/v1/deals/apple-mp-2025?minVersion=3')).body, { status: 'in-effect', version: 3 })

  const araxaAdvance = rows['deposits.events']?.find(
    (row) => row.stream_id === 'deposit-araxa' && row.type === 'ree.deposit.stage-advanced.v1',
  )
  const retracted = await api.inject({
    method: 'POST',
    url: '/v1/deposits/araxa/retractions',
    payload: { eventId: araxaAdvance?.event_id, reason: 'recorded on the wrong deposit', ...source },
  })
  t.equal(retracted.statusCode, 200, retracted.body)
  t.match((await get(`/v1/deposits/araxa?minVersion=${retracted.json().streamVersion}`)).body, { stage: 'exploration' })
  const araxaHistory = (await get('/v1/deposits/araxa/history')).body.items as Array<{ data: Record<string, unknown> }>
  t.match(
    araxaHistory.at(-1)?.data,
    { retractedEventId: araxaAdvance?.event_id, retractedType: 'ree.deposit.stage-advanced.v2' },
    'a v1 event is retracted under the type every reader now reads it as',
  )

  // The previous release still held this restriction suspended (until 2026-06-30) and would have reinstated it.
  const reinstated = await api.inject({
    method: 'POST',
    url: '/v1/restrictions/mp-halts-china-2025/reinstatements',
    payload: { effectiveDate: '2026-11-20', ...source },
  })
  t.equal(reinstated.statusCode, 422, 'a lapsed suspension needs no reinstatement')
  t.match(reinstated.json(), { type: '/problems/restriction-not-suspended' })
  const suspended = await api.inject({
    method: 'POST',
    url: '/v1/restrictions/mp-halts-china-2025/suspensions',
    payload: { until: '2027-03-31', effectiveDate: '2026-11-20', ...source },
  })
  t.equal(suspended.statusCode, 200, suspended.body)
  t.match((await get('/v1/restrictions/mp-halts-china-2025?minVersion=3')).body, {
    status: 'suspended',
    suspendedUntil: '2027-03-31',
  })

  const after = await storedRows()
  for (const table of eventTables) {
    t.same(after[table]?.slice(0, rowsAsLoaded[table]?.length), rowsAsLoaded[table], `${table}: what was stored stays`)
  }
})

t.test('the seeds load at start as they do on `pnpm start`: none applied twice, every change reported', async (t) => {
  const before = await countStoredEvents()
  const seeded = await loadSeeds(ledger.gateway, resolve(import.meta.dirname, '../../seeds'), ledger.seedKey)
  const oldKeys = new Set(
    ['deposits', 'deals', 'trade_flows'].flatMap((schema) =>
      (rows[`${schema}.idempotency_keys`] ?? [])
        .map((row) => String(row.key))
        .filter((key) => !key.startsWith('release-1:')),
    ),
  )
  // The seeds have been rewritten since: a seed the old release applied is replayed when
  // unchanged and reported as changed otherwise, never applied again (nothing stored is edited).
  t.equal(seeded.replayed + seeded.changed.length, oldKeys.size, 'every seed the old release applied is accounted for')
  t.ok(
    seeded.changed.every((key: string) => oldKeys.has(`seed:${key}`)),
    'only old seeds are reported as changed',
  )
  t.ok(
    seeded.refused.every((refusal: { key: string }) => !oldKeys.has(`seed:${refusal.key}`)),
    'refusals are new seeds the upgraded timeline does not take',
  )
  t.equal(await countStoredEvents(), before + seeded.applied, 'only the new seeds that were applied appended')
})
