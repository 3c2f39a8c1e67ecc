export * from './blockings.ts'
export * from './catalog.ts'
export * from './cloudevent.ts'
export * from './common.ts'
export * from './countries.ts'
export * from './deals.ts'
export * from './deposits.ts'
export * from './facilities.ts'
export * from './http.ts'
export * from './problems.ts'
export * from './errors.ts'
export * from './commandRoutes.ts'
export * from './timeline.ts'
export * from './trade-flows.ts'

import { upcast } from './catalog.ts'
import type { CloudEvent } from './cloudevent.ts'
import { dealsContext } from './deals.ts'
import { depositsContext } from './deposits.ts'
import { tradeFlowsContext } from './trade-flows.ts'

/** Every bounded context of the ledger, in the order their seeds load. */
export const ledgerContexts = [depositsContext, dealsContext, tradeFlowsContext] as const

/** An event from any context, read as its context's current version (an unknown source is left as it is). */
export function upcastEvent(event: CloudEvent): CloudEvent {
  const context = ledgerContexts.find((candidate) => candidate.source === event.source)
  return context ? upcast(context, event) : event
}
