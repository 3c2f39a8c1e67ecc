export { type PostgresLogOptions, postgresLogTransport } from './postgresLog.ts'
export {
  type EventHandler,
  type EventSource,
  type EventTransport,
  migrateTransport,
  transportSql,
} from './transport.ts'
export { createKafka, deadLetterTopic, ensureTopics, parseBrokers } from './kafka/client.ts'
export { type KafkaTransportOptions, kafkaTransport } from './kafka/consumer.ts'
export { type OutboxRelay, type OutboxRelayOptions, outboxRelay } from './kafka/outboxRelay.ts'
export { relayToKafka } from './kafka/relayToKafka.ts'
