import { type CloudEvent, depositsContext, UnknownEventTypeError } from '@ree/contracts'
import type pg from 'pg'
import { projectDepositEvent } from './deposits/projection.ts'

/** Routes an event to the read models built from its context. */
export async function projectEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  switch (event.source) {
    case depositsContext.source:
      return projectDepositEvent(client, event)
    default:
      throw new UnknownEventTypeError(`${event.source} ${event.type}`)
  }
}
