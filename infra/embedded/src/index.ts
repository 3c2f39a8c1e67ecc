export { buildLedger, type Ledger, type LedgerOptions } from './ledger.ts'
export { type EmbeddedPostgresHandle, freePort, startEmbeddedPostgres } from './postgres.ts'
export { loadSeeds } from './seed.ts'
