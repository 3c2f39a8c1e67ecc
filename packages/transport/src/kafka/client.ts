import { Kafka, logLevel, type LogEntry } from 'kafkajs'
import type { Logger } from 'pino'

/** A kafkajs client that logs through pino. */
export function createKafka(options: { brokers: string[]; clientId: string; logger: Logger }): Kafka {
  const log = options.logger.child({ component: 'kafkajs' })
  return new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logLevel: logLevel.WARN,
    retry: { initialRetryTime: 200, maxRetryTime: 3000, retries: 8 },
    logCreator:
      () =>
      ({ level, log: entry }: LogEntry) => {
        const { message, ...rest } = entry
        if (level <= logLevel.ERROR) log.error(rest, message)
        else if (level === logLevel.WARN) log.warn(rest, message)
        else log.debug(rest, message)
      },
  })
}

/** Where poison events of a topic go, with the error that made them poison. */
export function deadLetterTopic(topic: string): string {
  return `${topic}.dlq`
}

/**
 * Creates the ledger's topics (and their dead-letter topics) with explicit partitions
 * and unlimited retention, so a new consumer can start from the beginning.
 */
export async function ensureTopics(
  kafka: Kafka,
  topics: string[],
  options: { partitions?: number; replicationFactor?: number } = {},
): Promise<void> {
  const admin = kafka.admin()
  await admin.connect()
  try {
    const existing = new Set(await admin.listTopics())
    const wanted = topics.flatMap((topic) => [topic, deadLetterTopic(topic)]).filter((topic) => !existing.has(topic))
    if (wanted.length === 0) return
    await admin.createTopics({
      waitForLeaders: true,
      topics: wanted.map((topic) => ({
        topic,
        numPartitions: options.partitions ?? 6,
        replicationFactor: options.replicationFactor ?? 1,
        configEntries: [
          { name: 'retention.ms', value: '-1' },
          { name: 'retention.bytes', value: '-1' },
        ],
      })),
    })
  } finally {
    await admin.disconnect()
  }
}

/** The brokers from `KAFKA_BROKERS` (`host:port,host:port`). */
export function parseBrokers(list: string): string[] {
  return list
    .split(',')
    .map((broker) => broker.trim())
    .filter(Boolean)
}
