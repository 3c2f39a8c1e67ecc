export { buildDealsApp, type DealsDeps } from './app.ts'
export { type DealCommand, decide, dealDecider, dealRules } from './deal/decide.ts'
export { type Deal, evolve, initialState } from './deal/deal.ts'
