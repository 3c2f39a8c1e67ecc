import {
  type MaterialForm,
  type RareEarthElement,
  type RestrictionStatus,
  statusSinceOf,
  type TradeFlowEvent,
} from '@ree/contracts'

/** What the decider needs to know about a restriction to judge the next command. */
export type Restriction =
  | { status: 'unrecorded' }
  | {
      status: RestrictionStatus
      /** When the current status began, where the history says. */
      statusSince?: string
      id: string
      elements: RareEarthElement[]
      forms: MaterialForm[]
      /** While suspended: the last day of the suspension, when one was given. */
      suspendedUntil?: string
    }

export const initialState: Restriction = { status: 'unrecorded' }

export function evolve(state: Restriction, event: TradeFlowEvent): Restriction {
  switch (event.type) {
    case 'RestrictionImposed':
      return {
        status: 'in-force',
        id: event.data.restrictionId,
        elements: event.data.elements,
        forms: event.data.forms,
        ...statusSinceOf(event),
      }
    case 'RestrictionExpanded':
      return state.status === 'unrecorded'
        ? state
        : {
            ...state,
            elements: [...state.elements, ...event.data.addedElements],
            forms: [...state.forms, ...event.data.addedForms],
          }
    case 'RestrictionSuspended': {
      if (state.status === 'unrecorded') return state
      const { suspendedUntil: _previous, ...rest } = state
      const until = event.data.until
      const suspended = { ...rest, status: 'suspended' as const, ...statusSinceOf(event) }
      return until === undefined ? suspended : { ...suspended, suspendedUntil: until }
    }
    case 'RestrictionReinstated':
    case 'RestrictionLifted': {
      if (state.status === 'unrecorded') return state
      const { suspendedUntil: _previous, ...rest } = state
      return {
        ...rest,
        status: event.type === 'RestrictionReinstated' ? 'in-force' : 'lifted',
        ...statusSinceOf(event),
      }
    }
    case 'ShipmentRecorded':
    case 'ShipmentShipped':
    case 'ShipmentDelivered':
    case 'ShipmentCancelled':
    case 'ShipmentQuantityDisclosed':
      return state
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}
