import {
  type CloudEvent,
  dealsContext,
  depositsContext,
  tradeFlowsContext,
  UnknownEventTypeError,
} from '@ree/contracts'
import type pg from 'pg'
import { projectDealEvent } from './deals/projection.ts'
import { projectDepositEvent } from './deposits/projection.ts'
import { projectTradeFlowEvent } from './trade-flows/projection.ts'

/** Routes an event to the read models built from its context. */
export async function projectEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  switch (event.source) {
    case depositsContext.source:
      return projectDepositEvent(client, event)
    case dealsContext.source:
      return projectDealEvent(client, event)
    case tradeFlowsContext.source:
      return projectTradeFlowEvent(client, event)
    default:
      throw new UnknownEventTypeError(`${event.source} ${event.type}`)
  }
}
