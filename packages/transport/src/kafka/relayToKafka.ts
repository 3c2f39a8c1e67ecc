import type { ContextDefinition } from '@ree/contracts'
import type pg from 'pg'
import type { Logger } from 'pino'
import { type BrokerProbe, brokerProbe } from './brokerProbe.ts'
import { createKafka, ensureTopics, parseBrokers } from './client.ts'
import { type OutboxRelay, type OutboxRelayOptions, outboxRelay } from './outboxRelay.ts'

/** What a write service runs in distributed mode: its topics, the relay publishing its outbox, and a look at the broker. */
export async function relayToKafka(options: {
  pool: pg.Pool
  context: ContextDefinition
  brokers: string
  partitions: number
  logger: Logger
  tuning?: Pick<OutboxRelayOptions, 'retentionMs' | 'pruneIntervalMs' | 'pollIntervalMs' | 'wakeOnCommit'>
}): Promise<{ relay: OutboxRelay; broker: BrokerProbe }> {
  const { context, logger } = options
  const brokers = parseBrokers(options.brokers)
  const kafka = createKafka({ brokers, clientId: `ree-${context.name}`, logger })
  await ensureTopics(kafka, [context.topic], { partitions: options.partitions })
  const relay = outboxRelay({
    pool: options.pool,
    kafka,
    schema: context.schema,
    source: context.source,
    logger,
    ...options.tuning,
  })
  relay.start()
  return { relay, broker: brokerProbe({ brokers }) }
}
