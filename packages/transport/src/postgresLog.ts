import { assertSchemaName, EVENTS_CHANNEL, readAll, type StoredEvent } from '@ree/event-store'
import type pg from 'pg'
import type { Logger } from 'pino'
import { shareReadModelsLock } from './readModelsLock.ts'
import { inEventTrace, SpanKind } from './tracing.ts'
import { type EventHandler, type EventSource, type EventTransport, migrateTransport } from './transport.ts'

export interface PostgresLogOptions {
  pool: pg.Pool
  sources: EventSource[]
  /** Names the checkpoints: two subscriptions read independently. */
  subscription: string
  logger: Logger
  batchSize?: number
  /** How often to look even without a notification (a late commit held back by an older transaction). */
  pollIntervalMs?: number
  /** Attempts before an event that fails its handler is set aside as a dead letter. */
  attempts?: number
}

/**
 * The embedded transport: reads each event store by (transaction, position), woken
 * by LISTEN/NOTIFY. Each batch and its checkpoint commit in one transaction; the
 * checkpoint row's lock keeps a second instance from applying the same batch.
 */
export function postgresLogTransport(options: PostgresLogOptions): EventTransport {
  const { pool, subscription, logger } = options
  const batchSize = options.batchSize ?? 200
  const pollIntervalMs = options.pollIntervalMs ?? 1000
  const attempts = options.attempts ?? 3
  let running = false
  let loop: Promise<void> | undefined
  let listener: { client: pg.PoolClient; release: (error?: Error) => void } | undefined
  let wake: (() => void) | undefined
  /** A notification that came while a batch was being delivered: look again at once. */
  let notified = false

  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      if (notified) return resolve()
      const timer = setTimeout(resolve, ms)
      wake = () => {
        clearTimeout(timer)
        resolve()
      }
    }).finally(() => {
      wake = undefined
    })
  const notify = () => {
    if (wake) wake()
    else notified = true
  }

  async function deliverBatch(source: EventSource, handler: EventHandler): Promise<number> {
    const client = await pool.connect()
    try {
      await client.query('BEGIN')
      await shareReadModelsLock(client)
      await client.query(
        'INSERT INTO projection.checkpoints (subscription, stream) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [subscription, source.schema],
      )
      const checkpoint = await client.query<{ transaction_id: string; global_position: string }>(
        `SELECT transaction_id::text, global_position::text FROM projection.checkpoints
         WHERE subscription = $1 AND stream = $2 FOR UPDATE`,
        [subscription, source.schema],
      )
      const row = checkpoint.rows[0] ?? { transaction_id: '0', global_position: '0' }
      const events = await readAll(client, {
        schema: source.schema,
        source: source.source,
        after: { transactionId: row.transaction_id, globalPosition: row.global_position },
        limit: batchSize,
      })
      for (const stored of events) await deliverOne(client, source, stored, handler)
      const last = events.at(-1)
      if (last) {
        await client.query(
          `UPDATE projection.checkpoints SET transaction_id = $3::xid8, global_position = $4, updated_at = now()
           WHERE subscription = $1 AND stream = $2`,
          [subscription, source.schema, last.transactionId, last.globalPosition],
        )
      }
      await client.query('COMMIT')
      return events.length
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
  }

  async function deliverOne(client: pg.ClientBase, source: EventSource, stored: StoredEvent, handler: EventHandler) {
    let lastError: unknown
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await client.query('SAVEPOINT event')
      try {
        await inEventTrace(`project ${stored.event.type}`, stored.event.traceparent, SpanKind.CONSUMER, () =>
          handler(client, stored.event),
        )
        await client.query('RELEASE SAVEPOINT event')
        return
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT event')
        lastError = error
      }
    }
    const error = `failed ${attempts} times: ${(lastError as Error).message}`
    logger.error(
      { error, stream: source.schema, position: stored.globalPosition, type: stored.event.type },
      'event could not be applied; set aside as a dead letter',
    )
    await client.query(
      `INSERT INTO projection.dead_letters (subscription, stream, position, event, error)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [subscription, source.schema, stored.globalPosition, JSON.stringify(stored.event), error],
    )
  }

  /** Listens for appends; if the connection drops, the loop polls until it is back. */
  async function listen(): Promise<void> {
    const client = await pool.connect()
    let released = false
    const release = (error?: Error) => {
      if (released) return
      released = true
      if (listener?.client === client) listener = undefined
      client.release(error)
    }
    client.on('notification', notify)
    client.on('error', (error) => {
      logger.warn({ error: error.message }, 'lost the LISTEN connection; polling until it is back')
      release(error)
    })
    try {
      await client.query(`LISTEN ${EVENTS_CHANNEL}`)
    } catch (error) {
      release(error as Error)
      throw error
    }
    listener = { client, release }
  }

  async function run(handler: EventHandler): Promise<void> {
    let failures = 0
    while (running) {
      notified = false
      try {
        if (!listener) await listen()
        let delivered = 0
        for (const source of options.sources) delivered += await deliverBatch(source, handler)
        failures = 0
        if (delivered === 0) await sleep(pollIntervalMs)
      } catch (error) {
        failures += 1
        logger.warn({ err: error, failures }, 'delivery failed; retrying')
        await sleep(Math.min(100 * 2 ** failures, 5000))
      }
    }
  }

  return {
    name: 'postgres-log',
    async start(handler) {
      await migrateTransport(pool)
      await listen()
      running = true
      loop = run(handler)
    },
    async stop() {
      running = false
      notify()
      await loop
      const current = listener
      if (current) {
        await current.client.query(`UNLISTEN ${EVENTS_CHANNEL}`).catch(() => undefined)
        current.release()
      }
    },
    isRunning: () => running,
    async lag() {
      return Promise.all(
        options.sources.map(async (source) => {
          const result = await pool.query<{ behind: number }>(
            `SELECT count(*)::int AS behind FROM ${assertSchemaName(source.schema)}.events e
             WHERE (e.transaction_id, e.global_position) > (
               coalesce((SELECT transaction_id FROM projection.checkpoints WHERE subscription = $1 AND stream = $2), '0'::xid8),
               coalesce((SELECT global_position FROM projection.checkpoints WHERE subscription = $1 AND stream = $2), 0))`,
            [subscription, source.schema],
          )
          return { stream: source.schema, behind: result.rows[0]?.behind ?? 0 }
        }),
      )
    },
  }
}
