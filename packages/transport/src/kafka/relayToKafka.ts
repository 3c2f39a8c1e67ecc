import type { ContextDefinition } from '@ree/contracts'
import type pg from 'pg'
import type { Logger } from 'pino'
import { createKafka, ensureTopics, parseBrokers } from './client.ts'
import { type OutboxRelay, outboxRelay } from './outboxRelay.ts'

/** What a write service runs in distributed mode: its topics, and the relay publishing its outbox. */
export async function relayToKafka(options: {
  pool: pg.Pool
  context: ContextDefinition
  brokers: string
  partitions: number
  logger: Logger
}): Promise<OutboxRelay> {
  const { context, logger } = options
  const kafka = createKafka({ brokers: parseBrokers(options.brokers), clientId: `ree-${context.name}`, logger })
  await ensureTopics(kafka, [context.topic], { partitions: options.partitions })
  const relay = outboxRelay({ pool: options.pool, kafka, schema: context.schema, source: context.source, logger })
  relay.start()
  return relay
}
