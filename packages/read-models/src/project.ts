import {
  type CloudEvent,
  COUNTRY_EVENT_TYPE_PREFIX,
  dealsContext,
  depositsContext,
  FACILITY_EVENT_PREFIX,
  tradeFlowsContext,
  UnknownEventTypeError,
} from '@ree/contracts'
import type pg from 'pg'
import { projectCountryFigureEvent } from './countries/projection.ts'
import { projectDealEvent } from './deals/projection.ts'
import { projectDepositEvent } from './deposits/projection.ts'
import { projectFacilityEvent } from './facilities/projection.ts'
import { projectTradeFlowEvent } from './trade-flows/projection.ts'

/** Routes an event to the read models built from its context. */
export async function projectEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  switch (event.source) {
    case depositsContext.source:
      // Country figures share the deposits' store and source (the supply side): their types tell them apart.
      if (event.type.startsWith(COUNTRY_EVENT_TYPE_PREFIX)) return projectCountryFigureEvent(client, event)
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
