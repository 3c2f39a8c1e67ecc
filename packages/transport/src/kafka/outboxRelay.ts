import { assertSchemaName, type EventRow, eventColumns, type StoredEvent, toStoredEvent } from '@ree/event-store'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Kafka, Producer } from 'kafkajs'
import type pg from 'pg'
import type { Logger } from 'pino'
import { inEventTrace, SpanKind, tracingEnabled } from '../tracing.ts'
import { wakeOnAppend } from '../wakeUp.ts'

export interface OutboxRelayOptions {
  pool: pg.Pool
  kafka: Kafka
  /** The write service's event store. */
  schema: string
  source: string
  logger: Logger
  batchSize?: number
  /** The fallback poll: the relay is woken by each append's notification. */
  pollIntervalMs?: number
  /** False: poll only, as the relay did before LISTEN/NOTIFY (the benchmark's baseline). */
  wakeOnCommit?: boolean
  /** Published rows older than this are deleted (the events themselves stay in the store). */
  retentionMs?: number
  pruneIntervalMs?: number
  /** How long `stop()` keeps publishing what is pending before it gives up (the rows stay for the next leader). */
  drainTimeoutMs?: number
}

type PendingRow = EventRow & { outbox_id: string; topic: string; message_key: string }

/** Consecutive rows of the same trace, in outbox order. */
function byTrace(rows: PendingRow[]): PendingRow[][] {
  const groups: PendingRow[][] = []
  for (const row of rows) {
    const last = groups.at(-1)
    if (last && last[0]?.traceparent === row.traceparent) last.push(row)
    else groups.push([row])
  }
  return groups
}

export interface OutboxRelay {
  start(): void
  stop(): Promise<void>
  /** True while this instance holds the relay lock and publishes. */
  isLeader(): boolean
}

/**
 * Publishes pending outbox rows to Kafka, oldest first (which is per-aggregate order),
 * with an idempotent producer and `acks=all`, and marks them sent only after the
 * broker acknowledged them. Only the instance holding a Postgres advisory lock
 * publishes; the others stand by and take over if its session ends. Woken by
 * LISTEN/NOTIFY on each commit, with a poll as the fallback.
 *
 * Pruning is safe beside the order: the relay selects by `published_at IS NULL`, never
 * by a position, and the pruner deletes only rows with `published_at` older than the
 * retention, so the two never touch the same row and no pending row can be skipped.
 */
export function outboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const schema = assertSchemaName(options.schema)
  const { pool, logger } = options
  const batchSize = options.batchSize ?? 500
  const pollIntervalMs = options.pollIntervalMs ?? 1000
  const retentionMs = options.retentionMs ?? 24 * 60 * 60 * 1000
  const pruneIntervalMs = options.pruneIntervalMs ?? 60_000
  const drainTimeoutMs = options.drainTimeoutMs ?? 5000
  const wakeUp = wakeOnAppend({ pool, schemas: [schema], logger })
  let lastPrune = 0
  const lockKey = `outbox-relay:${schema}`
  let running = false
  let loop: Promise<void> | undefined
  let lock: pg.PoolClient | undefined
  let producer: Producer | undefined

  async function acquireLock(): Promise<boolean> {
    const client = await pool.connect()
    const result = await client.query<{ acquired: boolean }>('SELECT pg_try_advisory_lock(hashtext($1)) AS acquired', [
      lockKey,
    ])
    if (!result.rows[0]?.acquired) {
      client.release()
      return false
    }
    client.on('error', (error) => {
      logger.warn({ error: error.message }, 'lost the relay lock connection; standing down')
      if (lock === client) lock = undefined
    })
    lock = client
    await client.query(
      `CREATE INDEX IF NOT EXISTS outbox_published ON ${schema}.outbox (published_at) WHERE published_at IS NOT NULL`,
    )
    logger.info({ schema }, 'outbox relay is the leader')
    return true
  }

  async function publishBatch(): Promise<number> {
    const pending = await pool.query<PendingRow>(
      `SELECT o.id::text AS outbox_id, o.topic, o.message_key, ${eventColumns('e')}
       FROM ${schema}.outbox o JOIN ${schema}.events e USING (event_id)
       WHERE o.published_at IS NULL ORDER BY o.id LIMIT $1`,
      [batchSize],
    )
    if (pending.rows.length === 0) return 0
    producer ??= await connectProducer()
    const sender = producer
    if (!tracingEnabled()) await sender.sendBatch({ acks: -1, topicMessages: topicMessages(pending.rows) })
    // Traced, each command's events are published in a span of its own trace.
    else {
      for (const group of byTrace(pending.rows)) {
        const send = () => sender.sendBatch({ acks: -1, topicMessages: topicMessages(group) })
        await inEventTrace(`publish ${group[0]?.topic}`, group[0]?.traceparent ?? undefined, SpanKind.PRODUCER, send)
      }
    }
    await pool.query(`UPDATE ${schema}.outbox SET published_at = now() WHERE id = ANY ($1::bigint[])`, [
      pending.rows.map((row) => row.outbox_id),
    ])
    return pending.rows.length
  }

  function topicMessages(rows: PendingRow[]) {
    const byTopic = new Map<string, Array<{ key: string; stored: StoredEvent }>>()
    for (const row of rows) {
      const messages = byTopic.get(row.topic) ?? []
      messages.push({ key: row.message_key, stored: toStoredEvent(row, options.source) })
      byTopic.set(row.topic, messages)
    }
    return [...byTopic].map(([topic, messages]) => ({
      topic,
      messages: messages.map(({ key, stored }) => ({
        key,
        value: JSON.stringify(stored.event),
        headers: {
          'content-type': 'application/cloudevents+json; charset=utf-8',
          'ce-type': stored.event.type,
          'correlation-id': stored.event.correlationid,
          'causation-id': stored.event.causationid,
          ...(stored.event.traceparent ? { traceparent: stored.event.traceparent } : {}),
        },
      })),
    }))
  }

  async function connectProducer(): Promise<Producer> {
    const created = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
    await created.connect()
    return created
  }

  /** Deletes published rows past the retention, a bounded batch at a time. */
  async function prune(): Promise<void> {
    if (Date.now() - lastPrune < pruneIntervalMs) return
    lastPrune = Date.now()
    let deleted = 0
    for (;;) {
      const result = await pool.query(
        `DELETE FROM ${schema}.outbox WHERE id IN (
           SELECT id FROM ${schema}.outbox
           WHERE published_at IS NOT NULL AND published_at < now() - $1 * interval '1 millisecond'
           ORDER BY published_at LIMIT 5000)`,
        [retentionMs],
      )
      deleted += result.rowCount ?? 0
      if ((result.rowCount ?? 0) < 5000) break
    }
    if (deleted > 0) logger.info({ deleted, schema }, 'published outbox rows pruned')
  }

  async function run(): Promise<void> {
    let failures = 0
    while (running) {
      try {
        if (options.wakeOnCommit !== false) await wakeUp.ensureListening()
        if (!lock && !(await acquireLock())) {
          await sleep(1000)
          continue
        }
        const published = await publishBatch()
        await prune()
        failures = 0
        if (published === 0) await wakeUp.sleep(pollIntervalMs)
        else logger.debug({ published }, 'outbox rows published')
      } catch (error) {
        failures += 1
        logger.warn({ error: (error as Error).message, failures }, 'publishing failed; retrying')
        await sleep(Math.min(200 * 2 ** failures, 5000))
      }
    }
  }

  /** At stop, the leader publishes what is still pending, within a bound. */
  async function drain(): Promise<void> {
    if (!lock) return
    const flush = async () => {
      while ((await publishBatch()) > 0);
    }
    const flushed = await Promise.race([flush().then(() => true), sleep(drainTimeoutMs).then(() => false)]).catch(
      (error: Error) => {
        logger.warn({ error: error.message }, 'could not flush the outbox at stop; the next leader will')
        return true
      },
    )
    if (!flushed) logger.warn({ drainTimeoutMs }, 'the outbox was not flushed in time at stop; the next leader will')
  }

  return {
    start() {
      running = true
      loop = run()
    },
    async stop() {
      running = false
      wakeUp.wake()
      await loop
      await drain()
      await wakeUp.close()
      await producer?.disconnect().catch(() => undefined)
      producer = undefined
      if (lock) {
        await lock.query('SELECT pg_advisory_unlock(hashtext($1))', [lockKey]).catch(() => undefined)
        lock.release()
        lock = undefined
      }
    },
    isLeader: () => lock !== undefined,
  }
}

/** How far the relay is behind: rows not yet published, and the age of the oldest of them. */
export async function outboxBacklog(
  db: pg.Pool | pg.ClientBase,
  schema: string,
): Promise<{ pending: number; oldestAgeSeconds: number }> {
  const s = assertSchemaName(schema)
  const result = await db.query<{ pending: number; age: number }>(
    `SELECT count(*)::int AS pending, coalesce(extract(epoch FROM now() - min(created_at)), 0)::float8 AS age
     FROM ${s}.outbox WHERE published_at IS NULL`,
  )
  return { pending: result.rows[0]?.pending ?? 0, oldestAgeSeconds: result.rows[0]?.age ?? 0 }
}
