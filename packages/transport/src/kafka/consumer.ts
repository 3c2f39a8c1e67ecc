import { CloudEvent, storableJsonText } from '@ree/contracts'
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs'
import type pg from 'pg'
import type { Logger } from 'pino'
import { type EventHandler, type EventTransport, type Lag, migrateTransport } from '../transport.ts'
import { shareReadModelsLock } from '../readModelsLock.ts'
import { inEventTrace, SpanKind } from '../tracing.ts'
import { deadLetterTopic } from './client.ts'

export interface KafkaTransportOptions {
  kafka: Kafka
  pool: pg.Pool
  groupId: string
  topics: string[]
  logger: Logger
  /** Attempts before an event that fails its handler is set aside as poison. */
  attempts?: number
  /** How soon a silent instance is dropped from the group and its partitions move (the broker's minimum is 6 s). */
  sessionTimeoutMs?: number
  heartbeatIntervalMs?: number
}

class PoisonEventError extends Error {}

/**
 * The distributed transport: a Kafka consumer group. Each batch's read-model writes
 * and the partition's next offset commit in one Postgres transaction, and offsets
 * already applied are skipped, so a crash anywhere applies nothing twice and skips
 * nothing. After each commit the next offset is committed to Kafka too, so the
 * broker's tools show the true lag and a rebalance does not re-read from the start;
 * Postgres stays the source of truth.
 */
export function kafkaTransport(options: KafkaTransportOptions): EventTransport {
  const { pool, groupId, logger } = options
  const attempts = options.attempts ?? 3
  let consumer: Consumer | undefined
  let deadLetters: Producer | undefined
  let running = false

  async function nextOffset(client: pg.ClientBase, topic: string, partition: number): Promise<bigint> {
    await client.query(
      `INSERT INTO projection.kafka_offsets (group_id, topic, partition) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`,
      [groupId, topic, partition],
    )
    const result = await client.query<{ next_offset: string }>(
      `SELECT next_offset::text FROM projection.kafka_offsets WHERE group_id = $1 AND topic = $2 AND partition = $3 FOR UPDATE`,
      [groupId, topic, partition],
    )
    return BigInt(result.rows[0]?.next_offset ?? '0')
  }

  async function apply(client: pg.ClientBase, handler: EventHandler, message: KafkaMessage): Promise<void> {
    let event: CloudEvent
    try {
      event = CloudEvent.parse(JSON.parse(message.value?.toString('utf8') ?? 'null'))
    } catch (error) {
      throw new PoisonEventError(`not a ledger CloudEvent: ${(error as Error).message}`)
    }
    let lastError: unknown
    for (let attempt = 1; attempt <= attempts; attempt++) {
      await client.query('SAVEPOINT event')
      try {
        await inEventTrace(`project ${event.type}`, event.traceparent, SpanKind.CONSUMER, () => handler(client, event))
        await client.query('RELEASE SAVEPOINT event')
        return
      } catch (error) {
        await client.query('ROLLBACK TO SAVEPOINT event')
        lastError = error
      }
    }
    throw new PoisonEventError(`failed ${attempts} times: ${(lastError as Error).message}`)
  }

  /** Publishes the message to the DLQ and records it beside the read models, in the batch's transaction. */
  async function setAside(
    client: pg.ClientBase,
    topic: string,
    partition: number,
    message: KafkaMessage,
    error: PoisonEventError,
  ) {
    logger.error({ topic, partition, offset: message.offset, error: error.message }, 'poison event sent to the DLQ')
    await client.query(
      `INSERT INTO projection.dead_letters (subscription, stream, position, event, error)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
      [groupId, topic, `${partition}:${message.offset}`, JSON.stringify(storable(message.value)), error.message],
    )
    await deadLetters?.send({
      topic: deadLetterTopic(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            'dlq-error': error.message,
            'dlq-topic': topic,
            'dlq-partition': String(partition),
            'dlq-offset': message.offset,
          },
        },
      ],
    })
  }

  async function handleBatch(handler: EventHandler, payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, isRunning, isStale } = payload
    const client = await pool.connect()
    let last: string | undefined
    try {
      await client.query('BEGIN')
      await shareReadModelsLock(client)
      const next = await nextOffset(client, batch.topic, batch.partition)
      for (const message of batch.messages) {
        if (!isRunning() || isStale()) break
        if (BigInt(message.offset) >= next) {
          try {
            await apply(client, handler, message)
          } catch (error) {
            if (!(error instanceof PoisonEventError)) throw error
            await setAside(client, batch.topic, batch.partition, message, error)
          }
        }
        last = message.offset
      }
      if (last !== undefined && BigInt(last) >= next) {
        await client.query(
          `UPDATE projection.kafka_offsets SET next_offset = $4, updated_at = now()
           WHERE group_id = $1 AND topic = $2 AND partition = $3`,
          [groupId, batch.topic, batch.partition, (BigInt(last) + 1n).toString()],
        )
      }
      await client.query('COMMIT')
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined)
      throw error
    } finally {
      client.release()
    }
    if (last !== undefined) {
      resolveOffset(last)
      await consumer?.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() },
      ])
    }
    await heartbeat()
  }

  return {
    name: 'kafka',
    async start(handler) {
      await migrateTransport(pool)
      deadLetters = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false })
      await deadLetters.connect()
      consumer = options.kafka.consumer({
        groupId,
        allowAutoTopicCreation: false,
        sessionTimeout: options.sessionTimeoutMs ?? 6000,
        heartbeatInterval: options.heartbeatIntervalMs ?? 500,
        rebalanceTimeout: 10_000,
        retry: { retries: 10, initialRetryTime: 300, maxRetryTime: 5000, restartOnFailure: async () => true },
      })
      consumer.on(consumer.events.CRASH, (event) =>
        logger.warn({ error: String(event.payload.error), restart: event.payload.restart }, 'consumer crashed'),
      )
      // Postgres is the truth: each assigned partition resumes at the offset applied there
      // (the start, after the read models were reset), not at the offset committed to Kafka.
      consumer.on(consumer.events.GROUP_JOIN, async (event) => {
        const applied = await pool.query<{ topic: string; partition: number; next_offset: string }>(
          'SELECT topic, partition, next_offset::text FROM projection.kafka_offsets WHERE group_id = $1',
          [groupId],
        )
        const next = new Map(applied.rows.map((row) => [`${row.topic}:${row.partition}`, row.next_offset]))
        for (const [topic, partitions] of Object.entries(event.payload.memberAssignment)) {
          for (const partition of partitions) {
            consumer?.seek({ topic, partition, offset: next.get(`${topic}:${partition}`) ?? '0' })
          }
        }
      })
      await consumer.connect()
      await consumer.subscribe({ topics: options.topics, fromBeginning: true })
      running = true
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => handleBatch(handler, payload),
      })
    },
    async stop() {
      running = false
      await consumer?.disconnect()
      await deadLetters?.disconnect()
    },
    isRunning: () => running,
    async lag() {
      const admin = options.kafka.admin()
      await admin.connect()
      try {
        const applied = await pool.query<{ topic: string; partition: number; next_offset: string }>(
          'SELECT topic, partition, next_offset::text FROM projection.kafka_offsets WHERE group_id = $1',
          [groupId],
        )
        const next = new Map(applied.rows.map((row) => [`${row.topic}:${row.partition}`, BigInt(row.next_offset)]))
        const lags: Lag[] = []
        for (const topic of options.topics) {
          for (const partition of await admin.fetchTopicOffsets(topic)) {
            const behind =
              BigInt(partition.high) - (next.get(`${topic}:${partition.partition}`) ?? BigInt(partition.low))
            lags.push({ stream: topic, partition: partition.partition, behind: Number(behind > 0n ? behind : 0n) })
          }
        }
        return lags
      } finally {
        await admin.disconnect()
      }
    },
  }
}

/**
 * The message value as the dead-letter table can hold it: parsed JSON when PostgreSQL
 * can store it, else the raw bytes in base64 (a NUL or a lone surrogate would fail the
 * insert and stop the partition).
 */
function storable(value: Buffer | null): unknown {
  const text = value?.toString('utf8') ?? ''
  if (storableJsonText(text)) {
    try {
      return JSON.parse(text)
    } catch {
      return { unparsed: text }
    }
  }
  return { base64: value?.toString('base64') ?? '' }
}
