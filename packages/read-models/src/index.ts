export { Change, ChangesQuery, EntityKind, listChanges } from './changes.ts'
export * from './countries/index.ts'
export { decodeCursor, encodeCursor, InvalidCursorError, Page, PageQuery } from './cursor.ts'
export { DeadLetter, listDeadLetters } from './dead-letters.ts'
export * from './deals/index.ts'
export { dealModel } from './deals/projection.ts'
export { depositModel, projectDepositEvent } from './deposits/projection.ts'
export {
  DepositFilters,
  DepositListQuery,
  depositExists,
  depositHistory,
  getDeposit,
  listDeposits,
} from './deposits/queries.ts'
export { DepositView, evolveDepositView, StageChange } from './deposits/view.ts'
export * from './facilities/index.ts'
export { CoordinatesFact } from './fact.ts'
export { listTimeline, TimelineEntry, TimelineQuery } from './fact-timeline.ts'
export { projectEvent } from './project.ts'
export { migrateReadModels, READ_MODELS_VERSION, readModelsSql } from './schema.ts'
export { Concentration, ConcentrationQuery, concentration } from './supply/concentration.ts'
export { CountryActivity, countryActivity } from './supply/country.ts'
export { ElementSupply, elementSupply } from './supply/element.ts'
export { HistoryQuery, readAt, TemporalQuery, temporalOnly, today } from './temporal.ts'
export {
  countStates,
  cursorBinding,
  defineTemporalModel,
  dropTemporalIndexesSql,
  insertStates,
  type StateRow,
  StreamGapError,
  segmentsOf,
  statesOfHistory,
  streamVersion as streamVersionOf,
  type TemporalModel,
  temporalIndexesSql,
  temporalModelSql,
} from './temporal-model.ts'
export * from './trade-flows/index.ts'
export { restrictionModel, shipmentModel } from './trade-flows/projection.ts'
export { type ReadModelWatch, watchReadModels } from './watch.ts'
