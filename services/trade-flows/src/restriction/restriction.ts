import type { MaterialForm, RareEarthElement, RestrictionStatus, TradeFlowEvent } from '@ree/contracts'

/** What the decider needs to know about a restriction, as of a date, to judge a fact on it. */
export type Restriction =
  | { recorded: false }
  | {
      recorded: true
      id: string
      status: RestrictionStatus
      elements: RareEarthElement[]
      forms: MaterialForm[]
      /** While suspended: the last day of the suspension, when one was given; after it the restriction is in force again. */
      suspendedUntil?: string
    }

export const initialState: Restriction = { recorded: false }

/** One step along the restriction's timeline (valid time); facts before its imposition change nothing. */
export function evolve(state: Restriction, event: TradeFlowEvent): Restriction {
  if (event.type === 'RestrictionImposed') {
    const { restrictionId, elements, forms } = event.data
    return { recorded: true, id: restrictionId, status: 'in-force', elements, forms }
  }
  if (!state.recorded) return state
  switch (event.type) {
    case 'RestrictionExpanded':
      // A late expansion may add, earlier in valid time, what a later one also adds.
      return {
        ...state,
        elements: [...new Set([...state.elements, ...event.data.addedElements])],
        forms: [...new Set([...state.forms, ...event.data.addedForms])],
      }
    case 'RestrictionSuspended': {
      const { suspendedUntil: _previous, ...rest } = state
      const until = event.data.until
      return until === undefined
        ? { ...rest, status: 'suspended' }
        : { ...rest, status: 'suspended', suspendedUntil: until }
    }
    case 'RestrictionReinstated':
    case 'RestrictionLifted': {
      const { suspendedUntil: _previous, ...rest } = state
      return { ...rest, status: event.type === 'RestrictionReinstated' ? 'in-force' : 'lifted' }
    }
    case 'RestrictionFactRetracted':
    case 'ShipmentRecorded':
    case 'ShipmentShipped':
    case 'ShipmentDelivered':
    case 'ShipmentCancelled':
    case 'ShipmentQuantityDisclosed':
    case 'ShipmentFactRetracted':
      return state
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

/** Whether the restriction is suspended on `date`: a suspension with an end date lapses after its last day. */
export function isSuspendedOn(state: Extract<Restriction, { recorded: true }>, date: string): boolean {
  return state.status === 'suspended' && (state.suspendedUntil === undefined || date <= state.suspendedUntil)
}
