export { decodeCursor, encodeCursor, InvalidCursorError, Page, PageQuery } from './cursor.ts'
export { projectDepositEvent } from './deposits/projection.ts'
export {
  DepositFilters,
  DepositListQuery,
  depositExists,
  depositHistory,
  depositVersion,
  getDeposit,
  HistoryQuery,
  listDeposits,
} from './deposits/queries.ts'
export { DepositView, evolveDepositView, StageChange } from './deposits/view.ts'
export { migrateReadModels, readModelsSql } from './schema.ts'
export { isTemporal, TemporalQuery, visibleAt } from './temporal.ts'
export { projectEvent } from './project.ts'
export * from './trade-flows/index.ts'
export * from './deals/index.ts'
export { StreamGapError } from './versioned-view.ts'
export { DeadLetter, listDeadLetters } from './dead-letters.ts'
