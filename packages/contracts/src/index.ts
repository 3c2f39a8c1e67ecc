export * from './catalog.ts'
export * from './cloudevent.ts'
export * from './common.ts'
export * from './deals.ts'
export * from './deposits.ts'
export * from './http.ts'
export * from './errors.ts'
export * from './commandRoutes.ts'
export * from './timeline.ts'
export * from './trade-flows.ts'

import { dealsContext } from './deals.ts'
import { depositsContext } from './deposits.ts'
import { tradeFlowsContext } from './trade-flows.ts'

/** Every bounded context of the ledger, in the order their seeds load. */
export const ledgerContexts = [depositsContext, dealsContext, tradeFlowsContext] as const
