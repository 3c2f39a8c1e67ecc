import {
  type CloudEvent,
  dealsContext,
  depositsContext,
  FACILITY_EVENT_PREFIX,
  tradeFlowsContext,
  UnknownEventTypeError,
} from '@ree/contracts'
import type pg from 'pg'
import { projectDealEvent } from './deals/projection.ts'
import { projectDepositEvent } from './deposits/projection.ts'
import { projectFacilityEvent } from './facilities/projection.ts'
import { projectTradeFlowEvent } from './trade-flows/projection.ts'

/** Routes an event to the read models built from its context. */
export async function projectEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  switch (event.source) {
    case depositsContext.source:
      // Facilities share the deposits source and store; their type tells them apart.
      if (event.type.startsWith(FACILITY_EVENT_PREFIX)) return projectFacilityEvent(client, event)
      return projectDepositEvent(client, event)
    case dealsContext.source:
      return projectDealEvent(client, event)
    case tradeFlowsContext.source:
      return projectTradeFlowEvent(client, event)
    default:
      throw new UnknownEventTypeError(`${event.source} ${event.type}`)
  }
}
