export { type DatedEvent, deciderSpec, on, SPEC_DATE } from './decider.ts'
export { createTestDatabase, type TestDatabase, testServerUrl } from './postgres.ts'
export { eventually } from './ledger.ts'
