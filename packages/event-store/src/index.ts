export { type AppendOptions, type AppendResult, appendToStream, type NewEvent } from './appendToStream.ts'
export {
  type CommandMetadata,
  type CommandResult,
  type Decider,
  type HandleCommandOptions,
  handleCommand,
} from './commandHandler.ts'
export { ConcurrencyError, IdempotencyKeyReusedError, isUniqueViolation, PreconditionFailedError } from './errors.ts'
export { type GlobalCheckpoint, readAll, START_OF_STORE } from './readAll.ts'
export { readStream } from './readStream.ts'
export {
  assertSchemaName,
  EVENTS_CHANNEL,
  eventStoreSql,
  migrateEventStore,
  TransactionIdsAheadError,
} from './schema.ts'
export { type EventRow, eventColumns, type StoredEvent, toStoredEvent, upcastStored } from './storedEvent.ts'
