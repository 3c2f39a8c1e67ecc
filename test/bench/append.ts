/**
 * The event-store append beside a plain INSERT of the same rows into a table of the
 * same definition, in the same run, on the same PostgreSQL: W writers, each appending
 * batches of E events to its own stream, one transaction per batch. The ledger's append
 * also checks the expected version, writes an outbox row per event and notifies.
 */
import { randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import { appendToStream, eventStoreSql, type NewEvent } from '@ree/event-store'
import pg from 'pg'

export interface AppendSettings {
  writers: number
  eventsPerAppend: number
  /** Appends per writer. */
  appends: number
}

const event = (n: number): NewEvent => ({
  type: 'ree.deposit.stage-advanced.v2',
  data: { depositId: `bench-${n}`, stage: 'production', sources: [{ publisher: 'bench' }], confidence: 'normal' },
  effectiveDate: '2025-01-01',
  correlationId: randomUUID(),
  causationId: randomUUID(),
})

type Append = (client: pg.ClientBase, stream: string, version: number, events: NewEvent[]) => Promise<void>

const plainInsert =
  (schema: string): Append =>
  async (client, stream, version, events) => {
    await client.query(
      `INSERT INTO ${schema}.events (stream_id, stream_version, subject, event_id, type, data, effective_date, correlation_id, causation_id)
       SELECT $1, $2 + ordinality, $1, event_id, type, data, effective_date, correlation_id, causation_id
       FROM unnest($3::uuid[], $4::text[], $5::jsonb[], $6::date[], $7::uuid[], $8::uuid[])
         WITH ORDINALITY AS e(event_id, type, data, effective_date, correlation_id, causation_id, ordinality)`,
      [
        stream,
        version,
        events.map(() => randomUUID()),
        events.map((entry) => entry.type),
        events.map((entry) => JSON.stringify(entry.data)),
        events.map((entry) => entry.effectiveDate),
        events.map((entry) => entry.correlationId),
        events.map((entry) => entry.causationId),
      ],
    )
  }

const ledgerAppend =
  (schema: string): Append =>
  async (client, stream, version, events) => {
    await appendToStream(client, {
      schema,
      streamId: stream,
      subject: stream,
      expectedVersion: version,
      events,
      outbox: { topic: 'bench' },
    })
  }

async function run(pool: pg.Pool, append: Append, settings: AppendSettings, label: string): Promise<number> {
  const started = performance.now()
  await Promise.all(
    Array.from({ length: settings.writers }, async (_, writer) => {
      const client = await pool.connect()
      try {
        const stream = `${label}-${writer}-${randomUUID()}`
        for (let n = 0; n < settings.appends; n++) {
          const events = Array.from({ length: settings.eventsPerAppend }, (_, index) => event(n * 100 + index))
          await client.query('BEGIN')
          await append(client, stream, n * settings.eventsPerAppend, events)
          await client.query('COMMIT')
        }
      } finally {
        client.release()
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  return (settings.writers * settings.appends * settings.eventsPerAppend) / seconds
}

/** Events per second of each, and the ledger's ratio to the plain INSERT, for each setting. */
export async function measureAppend(databaseUrl: string, settings: readonly AppendSettings[]) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: Math.max(...settings.map((s) => s.writers)) + 1 })
  const schemas = { plain: 'bench_plain_insert', ledger: 'bench_ledger_append' }
  try {
    for (const schema of Object.values(schemas)) {
      await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
      await pool.query(eventStoreSql(schema))
    }
    const rows: Array<Record<string, string | number>> = []
    for (const setting of settings) {
      // Warm both, then alternate so neither always runs on a warmer cache.
      await run(pool, plainInsert(schemas.plain), { ...setting, appends: 5 }, 'warm')
      await run(pool, ledgerAppend(schemas.ledger), { ...setting, appends: 5 }, 'warm')
      const plain = await run(pool, plainInsert(schemas.plain), setting, 'plain')
      const ledger = await run(pool, ledgerAppend(schemas.ledger), setting, 'ledger')
      rows.push({
        writers: setting.writers,
        'events per append': setting.eventsPerAppend,
        'plain INSERT (events/s)': Math.round(plain),
        'ledger append (events/s)': Math.round(ledger),
        'ratio (ledger / plain)': Number((ledger / plain).toFixed(2)),
      })
    }
    return rows
  } finally {
    for (const schema of Object.values(schemas)) await pool.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`)
    await pool.end()
  }
}
