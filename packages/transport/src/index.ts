export { type PostgresLogOptions, postgresLogTransport } from './postgresLog.ts'
export { type EventHandler, type EventSource, type EventTransport, transportSql } from './transport.ts'
