import { randomUUID } from 'node:crypto'
import { depositsContext, DomainError } from '@ree/contracts'
import { createTestDatabase, eventually } from '@ree/testing'
import t from 'tap'
import {
  appendToStream,
  ConcurrencyError,
  handleCommand,
  migrateEventStore,
  readAll,
  readStream,
  START_OF_STORE,
} from '../src/index.ts'

const db = await createTestDatabase()
t.teardown(() => db.drop())
const schema = 'store_test'
const source = '/ree/deposits'
await migrateEventStore(db.pool, schema)
await migrateEventStore(db.pool, schema)

const newEvent = (n: number) => ({
  type: 'ree.deposit.stage-advanced.v1',
  data: { n },
  effectiveDate: '2025-04-04',
  correlationId: randomUUID(),
  causationId: randomUUID(),
})

async function inTransaction<T>(work: (client: import('pg').PoolClient) => Promise<T>): Promise<T> {
  const client = await db.pool.connect()
  try {
    await client.query('BEGIN')
    const result = await work(client)
    await client.query('COMMIT')
    return result
  } catch (error) {
    await client.query('ROLLBACK')
    throw error
  } finally {
    client.release()
  }
}

t.test('append and read a stream, with outbox rows in the same transaction', async (t) => {
  const streamId = 'deposit-append-read'
  const first = await inTransaction((client) =>
    appendToStream(client, {
      schema,
      streamId,
      subject: 'append-read',
      expectedVersion: 0,
      events: [newEvent(1), newEvent(2)],
      outbox: { topic: 'ree.deposits.events.v1' },
    }),
  )
  t.equal(first.nextVersion, 2)
  const events = await readStream(db.pool, { schema, source, streamId })
  t.same(
    events.map((stored) => [
      stored.event.streamversion,
      stored.event.data,
      stored.event.subject,
      stored.event.effectivedate,
    ]),
    [
      [1, { n: 1 }, 'append-read', '2025-04-04'],
      [2, { n: 2 }, 'append-read', '2025-04-04'],
    ],
  )
  const outbox = await db.pool.query(`SELECT topic, message_key FROM ${schema}.outbox WHERE event_id = ANY ($1)`, [
    first.eventIds,
  ])
  t.same(outbox.rows, [
    { topic: 'ree.deposits.events.v1', message_key: 'append-read' },
    { topic: 'ree.deposits.events.v1', message_key: 'append-read' },
  ])
  await t.rejects(
    inTransaction((client) =>
      appendToStream(client, {
        schema,
        streamId,
        subject: 'append-read',
        expectedVersion: 1,
        events: [newEvent(3)],
      }),
    ),
    { name: 'ConcurrencyError' },
    'a stale expected version is refused',
  )
})

t.test('two concurrent appends at the same expected version: exactly one wins', async (t) => {
  const streamId = 'deposit-race'
  const attempts = await Promise.allSettled(
    Array.from({ length: 8 }, (_, n) =>
      inTransaction(async (client) => {
        await client.query('SELECT pg_sleep(0.05)')
        return appendToStream(client, {
          schema,
          streamId,
          subject: 'race',
          expectedVersion: 0,
          events: [newEvent(n)],
        })
      }),
    ),
  )
  const won = attempts.filter((attempt) => attempt.status === 'fulfilled')
  const lost = attempts.filter((attempt) => attempt.status === 'rejected')
  t.equal(won.length, 1, 'one append wins')
  t.ok(
    lost.every((attempt) => attempt.reason instanceof ConcurrencyError),
    'every other one gets a ConcurrencyError',
  )
  t.equal((await readStream(db.pool, { schema, source, streamId })).length, 1, 'the stream holds one event')
})

t.test('readAll does not skip an event whose transaction commits after a later one', async (t) => {
  const slow = await db.pool.connect()
  await slow.query('BEGIN')
  await appendToStream(slow, {
    schema,
    streamId: 'deposit-slow',
    subject: 'slow',
    expectedVersion: 0,
    events: [newEvent(1)],
  })
  await inTransaction((client) =>
    appendToStream(client, {
      schema,
      streamId: 'deposit-fast',
      subject: 'fast',
      expectedVersion: 0,
      events: [newEvent(2)],
    }),
  )
  const all = async (after = START_OF_STORE) => readAll(db.pool, { schema, source, after, limit: 1000 })
  const whileSlowIsOpen = await all()
  t.notOk(
    whileSlowIsOpen.some((stored) => stored.event.subject === 'fast'),
    'the fast append is held back while an older transaction is still open',
  )
  const checkpoint = whileSlowIsOpen.at(-1)
  await slow.query('COMMIT')
  slow.release()
  const from = checkpoint
    ? { transactionId: checkpoint.transactionId, globalPosition: checkpoint.globalPosition }
    : START_OF_STORE
  // Transactions of other test files share the cluster's snapshot horizon: wait for both, don't stop early.
  const after = await eventually(async () => {
    const events = await all(from)
    return events.filter((stored) => ['slow', 'fast'].includes(stored.event.subject)).length === 2 ? events : undefined
  })
  t.same(
    after.map((stored) => stored.event.subject),
    ['slow', 'fast'],
    'after the slow commit, both arrive, in commit-safe order, none skipped',
  )
})

const provenance = {
  sources: [{ publisher: 'test' }],
  confidence: 'normal' as const,
}
/** A decider that counts its facts and allows three. */
const counter = {
  initialState: { recorded: false, count: 0 },
  evolve: (state: { recorded: boolean; count: number }) => ({ recorded: true, count: state.count + 1 }),
  decide: (command: { stage: 'exploration' | 'feasibility' }, state: { count: number }) => {
    if (state.count > 2) throw new DomainError('too-many', 'three is enough')
    return [
      { type: 'DepositStageAdvanced' as const, data: { depositId: 'counted', stage: command.stage, ...provenance } },
    ]
  },
  check: () => undefined,
  retract: () => {
    throw new Error('this spec retracts nothing')
  },
}
const metadata = () => ({
  effectiveDate: '2025-01-01',
  correlationId: randomUUID(),
  causationId: randomUUID(),
})

t.test('handleCommand: decide, append, If-Match and Idempotency-Key', async (t) => {
  const ledger = await createTestDatabase()
  t.teardown(() => ledger.drop())
  await migrateEventStore(ledger.pool, depositsContext.schema)
  const run = (extra: Partial<Parameters<typeof handleCommand>[0]> = {}) =>
    handleCommand({
      pool: ledger.pool,
      context: depositsContext,
      streamId: 'deposit-counted',
      subject: 'counted',
      decider: counter as never,
      command: { stage: 'exploration' },
      metadata: metadata(),
      ...extra,
    })
  const first = await run()
  t.same([first.streamVersion, first.replayed], [1, false])
  await t.rejects(run({ ifMatch: 0 }), { name: 'PreconditionFailedError' }, 'a stale If-Match is refused')
  const idempotency = { key: 'retry-key-1', requestHash: 'hash-a' }
  const second = await run({ ifMatch: 1, idempotency })
  const retried = await run({ ifMatch: 1, idempotency })
  t.same(
    [second.streamVersion, retried.streamVersion, retried.replayed],
    [2, 2, true],
    'the retry answers the first result',
  )
  t.same(retried.eventIds, second.eventIds)
  await t.rejects(run({ idempotency: { key: 'retry-key-1', requestHash: 'hash-b' } }), {
    name: 'IdempotencyKeyReusedError',
  })
  const parallel = await Promise.all(
    [1, 2, 3].map(() => run({ idempotency: { key: 'parallel-key', requestHash: 'same' } })),
  )
  t.equal(new Set(parallel.map((result) => result.streamVersion)).size, 1, 'concurrent retries append once')
  await t.rejects(run(), { code: 'too-many' }, 'a domain error propagates')
  const count = await ledger.pool.query('SELECT count(*)::int AS n FROM deposits.events')
  t.equal(count.rows[0].n, 3, 'refused commands appended nothing')
  const keys = await ledger.pool.query(
    'SELECT count(*)::int AS n FROM deposits.idempotency_keys WHERE response IS NULL',
  )
  t.equal(keys.rows[0].n, 0, 'no half-written idempotency record is left')
})

t.test('readAll pages through positions in numeric order, each event once', async (t) => {
  const paged = 'paged_test'
  await migrateEventStore(db.pool, paged)
  await inTransaction((client) =>
    appendToStream(client, {
      schema: paged,
      streamId: 'deposit-paged',
      subject: 'paged',
      expectedVersion: 0,
      events: Array.from({ length: 12 }, (_, n) => newEvent(n + 1)),
    }),
  )
  for (let n = 13; n <= 24; n++) {
    await inTransaction((client) =>
      appendToStream(client, {
        schema: paged,
        streamId: `deposit-paged-${n}`,
        subject: 'paged',
        expectedVersion: 0,
        events: [newEvent(n)],
      }),
    )
  }
  const seen: number[] = []
  let after = START_OF_STORE
  const deadline = Date.now() + 10_000
  // An empty page can also mean a transaction elsewhere in the cluster holds the reader back: wait, don't stop.
  while (seen.length < 24 && Date.now() < deadline) {
    const page = await readAll(db.pool, { schema: paged, source, after, limit: 5 })
    const last = page.at(-1)
    if (!last) {
      await new Promise((done) => setTimeout(done, 50))
      continue
    }
    seen.push(...page.map((stored) => stored.event.data.n as number))
    after = { transactionId: last.transactionId, globalPosition: last.globalPosition }
  }
  t.same(await readAll(db.pool, { schema: paged, source, after, limit: 5 }), [], 'and nothing after the last one')
  t.same(
    seen,
    Array.from({ length: 24 }, (_, n) => n + 1),
    'positions 1 to 24 in order, none skipped or repeated, across the 9→10 boundary',
  )
})
