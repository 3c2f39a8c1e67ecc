export { type PostgresLogOptions, postgresLogTransport } from './postgresLog.ts'
export {
  type EventHandler,
  type EventSource,
  type EventTransport,
  type Lag,
  migrateTransport,
  transportSql,
} from './transport.ts'
export {
  type DeadLetterSelection,
  type ReplayOutcome,
  replayDeadLetters,
  unresolvedDeadLetters,
} from './deadLetters.ts'
export { type BrokerProbe, brokerProbe } from './kafka/brokerProbe.ts'
export { createKafka, deadLetterTopic, ensureTopics, parseBrokers } from './kafka/client.ts'
export { type KafkaTransportOptions, kafkaTransport } from './kafka/consumer.ts'
export { type OutboxRelay, type OutboxRelayOptions, outboxBacklog, outboxRelay } from './kafka/outboxRelay.ts'
export { relayToKafka } from './kafka/relayToKafka.ts'
export { type WakeUp, wakeOnAppend } from './wakeUp.ts'
export { readModelsLockKey, shareReadModelsLock, takeReadModelsLock } from './readModelsLock.ts'
export { type RebuildOptions, type RebuildProgress, rebuildReadModels } from './rebuild.ts'
