import type { MaterialForm, RareEarthElement, RestrictionStatus, TradeFlowEvent } from '@ree/contracts'

/** What the decider needs to know about a restriction to judge the next command. */
export type Restriction =
  | { status: 'unrecorded' }
  | { status: RestrictionStatus; id: string; elements: RareEarthElement[]; forms: MaterialForm[] }

export const initialState: Restriction = { status: 'unrecorded' }

export function evolve(state: Restriction, event: TradeFlowEvent): Restriction {
  switch (event.type) {
    case 'RestrictionImposed':
      return {
        status: 'in-force',
        id: event.data.restrictionId,
        elements: event.data.elements,
        forms: event.data.forms,
      }
    case 'RestrictionExpanded':
      return state.status === 'unrecorded'
        ? state
        : {
            ...state,
            elements: [...state.elements, ...event.data.addedElements],
            forms: [...state.forms, ...event.data.addedForms],
          }
    case 'RestrictionSuspended':
      return state.status === 'unrecorded' ? state : { ...state, status: 'suspended' }
    case 'RestrictionReinstated':
      return state.status === 'unrecorded' ? state : { ...state, status: 'in-force' }
    case 'RestrictionLifted':
      return state.status === 'unrecorded' ? state : { ...state, status: 'lifted' }
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
