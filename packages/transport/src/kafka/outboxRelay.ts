import { assertSchemaName, type EventRow, eventColumns, type StoredEvent, toStoredEvent } from '@ree/event-store'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Kafka, Producer } from 'kafkajs'
import type pg from 'pg'
import type { Logger } from 'pino'

export interface OutboxRelayOptions {
  pool: pg.Pool
  kafka: Kafka
  /** The write service's event store. */
  schema: string
  source: string
  logger: Logger
  batchSize?: number
  pollIntervalMs?: number
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
 * publishes; the others stand by and take over if its session ends.
 */
export function outboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const schema = assertSchemaName(options.schema)
  const { pool, logger } = options
  const batchSize = options.batchSize ?? 500
  const pollIntervalMs = options.pollIntervalMs ?? 100
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
    logger.info({ schema }, 'outbox relay is the leader')
    return true
  }

  async function publishBatch(): Promise<number> {
    const pending = await pool.query<EventRow & { outbox_id: string; topic: string; message_key: string }>(
      `SELECT o.id::text AS outbox_id, o.topic, o.message_key, ${eventColumns('e')}
       FROM ${schema}.outbox o JOIN ${schema}.events e USING (event_id)
       WHERE o.published_at IS NULL ORDER BY o.id LIMIT $1`,
      [batchSize],
    )
    if (pending.rows.length === 0) return 0
    producer ??= await connectProducer()
    const byTopic = new Map<string, Array<{ key: string; stored: StoredEvent }>>()
    for (const row of pending.rows) {
      const messages = byTopic.get(row.topic) ?? []
      messages.push({ key: row.message_key, stored: toStoredEvent(row, options.source) })
      byTopic.set(row.topic, messages)
    }
    await producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, messages]) => ({
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
      })),
    })
    await pool.query(`UPDATE ${schema}.outbox SET published_at = now() WHERE id = ANY ($1::bigint[])`, [
      pending.rows.map((row) => row.outbox_id),
    ])
    return pending.rows.length
  }

  async function connectProducer(): Promise<Producer> {
    const created = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
    await created.connect()
    return created
  }

  async function run(): Promise<void> {
    let failures = 0
    while (running) {
      try {
        if (!lock && !(await acquireLock())) {
          await sleep(1000)
          continue
        }
        const published = await publishBatch()
        failures = 0
        if (published === 0) await sleep(pollIntervalMs)
        else logger.debug({ published }, 'outbox rows published')
      } catch (error) {
        failures += 1
        logger.warn({ error: (error as Error).message, failures }, 'publishing failed; retrying')
        await sleep(Math.min(200 * 2 ** failures, 5000))
      }
    }
  }

  return {
    start() {
      running = true
      loop = run()
    },
    async stop() {
      running = false
      await loop
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
