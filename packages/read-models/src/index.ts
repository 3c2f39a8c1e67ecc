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
export { migrateReadModels, READ_MODELS_VERSION, readModelsSql } from './schema.ts'
export { CoordinatesFact } from './fact.ts'
export { readAt, TemporalQuery, temporalOnly, today } from './temporal.ts'
export { projectEvent } from './project.ts'
export * from './trade-flows/index.ts'
export * from './deals/index.ts'
export * from './countries/index.ts'
export * from './facilities/index.ts'
export {
  cursorBinding,
  defineTemporalModel,
  dropTemporalIndexesSql,
  insertStates,
  segmentsOf,
  type StateRow,
  statesOfHistory,
  StreamGapError,
  type TemporalModel,
  temporalIndexesSql,
  temporalModelSql,
} from './temporal-model.ts'
export { depositModel } from './deposits/projection.ts'
export { dealModel } from './deals/projection.ts'
export { restrictionModel, shipmentModel } from './trade-flows/projection.ts'
export { DeadLetter, listDeadLetters } from './dead-letters.ts'
export { ElementSupply, elementSupply } from './supply/element.ts'
export { countStates } from './temporal-model.ts'
export { CountryActivity, countryActivity } from './supply/country.ts'
export { Concentration, ConcentrationQuery, concentration } from './supply/concentration.ts'
