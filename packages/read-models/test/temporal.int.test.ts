import { randomUUID } from 'node:crypto'
import type { CloudEvent } from '@ree/contracts'
import { createTestDatabase } from '@ree/testing'
import t from 'tap'
import {
  depositHistory,
  depositModel,
  getDeposit,
  InvalidCursorError,
  listDeposits,
  migrateReadModels,
  projectEvent,
  type StateRow,
  statesOfHistory,
  today,
} from '../src/index.ts'

const db = await createTestDatabase()
t.teardown(() => db.drop())
await migrateReadModels(db.pool)

const provenance = { sources: [{ publisher: 'Test Gazette' }], confidence: 'normal' }
const histories = new Map<string, CloudEvent[]>()
let clock = Date.parse('2026-01-01T00:00:00Z')

/** The next event of a deposit, recorded one minute after the one before. */
function event(subject: string, type: string, effectivedate: string, data: Record<string, unknown>): CloudEvent {
  const history = histories.get(subject) ?? []
  clock += 60_000
  const next: CloudEvent = {
    specversion: '1.0',
    id: randomUUID(),
    source: '/ree/deposits',
    type: `ree.deposit.${type}`,
    subject,
    time: new Date(clock).toISOString(),
    datacontenttype: 'application/json',
    streamversion: history.length + 1,
    effectivedate,
    correlationid: randomUUID(),
    causationid: randomUUID(),
    data: { depositId: subject, ...data, ...provenance },
  }
  histories.set(subject, [...history, next])
  return next
}

async function apply(...events: CloudEvent[]) {
  for (const next of events) {
    const client = await db.pool.connect()
    try {
      await client.query('BEGIN')
      await projectEvent(client, next)
      await client.query('COMMIT')
    } finally {
      client.release()
    }
  }
}

const registered = (id: string, date: string, stage = 'exploration', country = 'CA') =>
  event(id, 'registered.v1', date, {
    name: `Ridge ${id}`,
    country,
    elements: [{ element: 'Nd' }],
    coProducts: [],
    operators: [],
    stage,
  })
const advanced = (id: string, date: string, stage: string) => event(id, 'stage-advanced.v2', date, { stage })
const retracted = (id: string, target: CloudEvent) =>
  event(id, 'fact-retracted.v1', target.effectivedate, {
    retractedEventId: target.id,
    retractedType: target.type,
    reason: 'recorded by mistake',
  })
const stageOf = async (id: string, query: { asOf?: string; recordedAsOf?: string } = {}) =>
  (await getDeposit(db.pool, id, query))?.stage

t.test('a fact learned late takes its place in valid time; what was known before stays readable', async (t) => {
  const registration = registered('late', '2018-01-01')
  const production = advanced('late', '2024-01-01', 'production')
  await apply(registration, production)
  const beforeTheLateFact = new Date(clock + 1000).toISOString()
  const construction = advanced('late', '2022-01-01', 'construction')
  await apply(construction)

  t.equal(await stageOf('late'), 'production', 'the end of the timeline, today')
  t.equal(await stageOf('late', { asOf: '2023-01-01' }), 'construction', 'the late fact, in its place')
  t.equal(await stageOf('late', { asOf: '2019-06-01' }), 'exploration')
  t.equal(await stageOf('late', { asOf: '2017-12-31' }), undefined, 'not yet registered')
  t.equal(
    await stageOf('late', { asOf: '2023-01-01', recordedAsOf: beforeTheLateFact }),
    'exploration',
    'as known before the late fact arrived',
  )
  const view = await getDeposit(db.pool, 'late', { asOf: '2023-01-01' })
  t.match(view, { version: 3, stageSince: '2022-01-01' }, 'the version is the knowledge the answer rests on')
  t.same(
    (await getDeposit(db.pool, 'late'))?.stageHistory.map((change) => [change.stage, change.from ?? null]),
    [
      ['exploration', null],
      ['construction', 'exploration'],
      ['production', 'construction'],
    ],
    'the stage each change followed comes from the timeline, not from the order it was recorded in',
  )
})

t.test('a retraction takes a fact out from its record time on; before it, the fact is still there', async (t) => {
  const production = histories.get('late')?.[1]
  if (!production) throw new Error('the previous test records the production advance')
  const beforeRetraction = new Date(clock + 1000).toISOString()
  await apply(retracted('late', production))
  t.equal(await stageOf('late'), 'construction')
  t.equal(await stageOf('late', { asOf: '2025-01-01' }), 'construction')
  t.equal(await stageOf('late', { recordedAsOf: beforeRetraction }), 'production')
  const history = await depositHistory(db.pool, 'late', { limit: 20 })
  t.same(
    history.items.map((item) => item.type),
    [
      'ree.deposit.registered.v1',
      'ree.deposit.stage-advanced.v2',
      'ree.deposit.stage-advanced.v2',
      'ree.deposit.fact-retracted.v1',
    ],
    'the history shows both the fact and its retraction',
  )
})

t.test('retracting the registration takes the deposit out of current reads, not out of the past', async (t) => {
  const registration = registered('gone', '2020-01-01')
  await apply(registration, advanced('gone', '2021-01-01', 'feasibility'))
  const before = new Date(clock + 1000).toISOString()
  await apply(retracted('gone', registration))
  t.equal(await getDeposit(db.pool, 'gone'), undefined)
  const ids = (await listDeposits(db.pool, { limit: 100 })).items.map((item) => item.id)
  t.notOk(ids.includes('gone'), 'not listed')
  t.equal(await stageOf('gone', { recordedAsOf: before }), 'feasibility', 'as known before the retraction')
  t.equal((await depositHistory(db.pool, 'gone', { limit: 20 })).items.length, 3, 'the history stays readable')
})

t.test('a fact dated ahead takes effect on its day, not before', async (t) => {
  const ahead = new Date(Date.parse(`${today()}T00:00:00Z`) + 30 * 86_400_000).toISOString().slice(0, 10)
  const after = new Date(Date.parse(`${ahead}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
  await apply(registered('ahead', '2020-01-01', 'construction'), advanced('ahead', ahead, 'production'))
  t.equal(await stageOf('ahead'), 'construction', 'today, still construction')
  t.equal(await stageOf('ahead', { asOf: after }), 'production')
  const list = async (asOf?: string) =>
    (await listDeposits(db.pool, { stage: 'production', limit: 100, ...(asOf ? { asOf } : {}) })).items.map(
      (item) => item.id,
    )
  t.notOk((await list()).includes('ahead'))
  t.ok((await list(after)).includes('ahead'), 'lists filter the state of the day asked')
})

t.test('applying an event again changes nothing', async (t) => {
  const snapshot = async () =>
    (await db.pool.query('SELECT * FROM read_models.deposit_states ORDER BY id, valid_from, recorded_from')).rows
  const before = await snapshot()
  await apply(...(histories.get('late') ?? []))
  t.same(await snapshot(), before)
})

t.test('the states are those a rebuild from scratch writes, and they never overlap', async (t) => {
  const stored = await db.pool.query<{
    id: string
    valid_from: string
    valid_to: string
    recorded_from: Date
    recorded_to: Date | string
    view: Record<string, unknown>
  }>('SELECT id, valid_from::text, valid_to::text, recorded_from, recorded_to, view FROM read_models.deposit_states')
  const asRow = (row: (typeof stored.rows)[number]): StateRow => ({
    id: row.id,
    validFrom: row.valid_from,
    validTo: row.valid_to,
    recordedFrom: row.recorded_from.toISOString(),
    recordedTo: row.recorded_to instanceof Date ? row.recorded_to.toISOString() : 'infinity',
    view: row.view,
  })
  const key = (row: StateRow) => `${row.id} ${row.validFrom} ${row.recordedFrom}`
  const rebuilt = [...histories.values()].flatMap((history) => statesOfHistory(depositModel, history))
  t.same(
    Object.fromEntries(stored.rows.map(asRow).map((row) => [key(row), row])),
    Object.fromEntries(rebuilt.map((row) => [key(row), row])),
  )
  const overlap = await db.pool
    .query(
      `INSERT INTO read_models.deposit_states (id, valid_from, valid_to, recorded_from, recorded_to, name, country, stage, elements, operators, view)
       VALUES ('late', '2019-01-01', 'infinity', now(), 'infinity', 'x', 'CA', 'closed', '{}', '{}', '{}')`,
    )
    .catch((error: { code?: string }) => error.code)
  t.equal(overlap, '23P01', 'two states of one deposit can never cover the same day as known at the same time')
})

t.test('lists page by keyset at any time; a cursor serves only the list it came from', async (t) => {
  for (let n = 0; n < 25; n++)
    await apply(registered(`page-${String(n).padStart(2, '0')}`, '2019-01-01', 'exploration', 'US'))
  const seen: string[] = []
  let cursor: string | undefined
  do {
    const page = await listDeposits(db.pool, {
      country: 'US',
      asOf: '2020-01-01',
      limit: 7,
      ...(cursor ? { cursor } : {}),
    })
    seen.push(...page.items.map((item) => item.id))
    cursor = page.nextCursor ?? undefined
  } while (cursor)
  t.equal(seen.length, 25, 'every deposit once')
  t.equal(new Set(seen).size, 25)
  const first = await listDeposits(db.pool, { country: 'US', limit: 7 })
  const foreign = await listDeposits(db.pool, { country: 'CA', limit: 7, cursor: first.nextCursor ?? '' }).catch(
    (error: unknown) => error,
  )
  t.ok(foreign instanceof InvalidCursorError, 'a cursor from another filter is refused')
  const otherTime = await listDeposits(db.pool, {
    country: 'US',
    limit: 7,
    asOf: '2020-01-01',
    cursor: first.nextCursor ?? '',
  }).catch((error: unknown) => error)
  t.ok(otherTime instanceof InvalidCursorError, 'and so is one from another time')
})
