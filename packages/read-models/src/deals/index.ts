export {
  aggregateDeals,
  DealAggregateDimension,
  DealAggregateGroup,
  DealAggregateQuery,
  DealAggregates,
} from './aggregates.ts'
export {
  DealDetail,
  DepositDetail,
  dealsLinkingDeposit,
  dealsLinkingFacility,
  getDealDetail,
  LinkedDeal,
  LinkedDeposit,
  LinkedFacility,
} from './links.ts'
export { projectDealEvent } from './projection.ts'
export {
  allDeals,
  DealFilters,
  DealListQuery,
  DealSort,
  dealExists,
  dealHistory,
  getDeal,
  listDeals,
} from './queries.ts'
export { DealStatusChange, DealView, evolveDealView } from './view.ts'
