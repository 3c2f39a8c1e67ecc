import { randomUUID } from 'node:crypto'
import { createTestDatabase } from '@ree/testing'
import t from 'tap'
import { migrateEventStore, readAll, START_OF_STORE, TransactionIdsAheadError } from '../src/index.ts'

// A store whose transaction ids run ahead of its server, as after a logical dump restored elsewhere.
const db = await createTestDatabase()
t.teardown(() => db.drop())

async function insertEvent(schema: string, transactionId?: string) {
  await db.pool.query(
    `INSERT INTO ${schema}.events (stream_id, stream_version, subject, event_id, type, data, effective_date,
       correlation_id, causation_id${transactionId ? ', transaction_id' : ''})
     VALUES ($1, 1, $1, $2, 'ree.deposit.registered.v1', '{}', '2025-01-01', $2, $2${transactionId ? ', $3::xid8' : ''})`,
    transactionId ? [randomUUID(), randomUUID(), transactionId] : [randomUUID(), randomUUID()],
  )
}

t.test('a store appended on this server starts again', async (t) => {
  await migrateEventStore(db.pool, 'restore_same')
  await insertEvent('restore_same')
  await insertEvent('restore_same')
  await t.resolves(migrateEventStore(db.pool, 'restore_same'))
})

t.test('a store with transaction ids ahead of the server is refused at start, saying why', async (t) => {
  await migrateEventStore(db.pool, 'restore_ahead')
  const { rows } = await db.pool.query<{ next: string }>(`SELECT pg_snapshot_xmax(pg_current_snapshot())::text AS next`)
  const ahead = (BigInt(rows[0]?.next ?? '0') + 1_000_000n).toString()
  await insertEvent('restore_ahead', ahead)
  t.same(
    await readAll(db.pool, { schema: 'restore_ahead', source: '/t', after: START_OF_STORE, limit: 10 }),
    [],
    'why: a reader cannot see an event whose transaction id the server has not reached',
  )
  const refused = await migrateEventStore(db.pool, 'restore_ahead').then(
    () => undefined,
    (error: unknown) => error,
  )
  t.ok(refused instanceof TransactionIdsAheadError, 'the start is refused')
  t.match(String((refused as Error).message), new RegExp(`holds transaction ids up to ${ahead}, ahead of this PostgreSQL server's next`))
  t.match(String((refused as Error).message), /pg_basebackup|pg_upgrade/, 'and says what to do')
})
