export { buildDepositsApp, type DepositsDeps } from './app.ts'
export { type DepositCommand, decide, depositDecider, depositRules } from './deposit/decide.ts'
export { type Deposit, evolve, initialState } from './deposit/deposit.ts'
