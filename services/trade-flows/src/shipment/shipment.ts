import type { Money, ShipmentStatus, TradeFlowEvent } from '@ree/contracts'

/** What the decider needs to know about a shipment, as of a date, to judge a fact on it. */
export type Shipment =
  | { recorded: false }
  | {
      recorded: true
      id: string
      status: ShipmentStatus
      quantityTonnes: number | undefined
      value: Money | undefined
    }

export const initialState: Shipment = { recorded: false }

/** One step along the shipment's timeline (valid time); facts before its recording change nothing. */
export function evolve(state: Shipment, event: TradeFlowEvent): Shipment {
  if (event.type === 'ShipmentRecorded') {
    const { shipmentId, status, quantityTonnes, value } = event.data
    return { recorded: true, id: shipmentId, status, quantityTonnes, value }
  }
  if (!state.recorded) return state
  switch (event.type) {
    case 'ShipmentShipped':
      return { ...state, status: 'shipped' }
    case 'ShipmentDelivered':
      return { ...state, status: 'delivered' }
    case 'ShipmentCancelled':
      return { ...state, status: 'cancelled' }
    case 'ShipmentQuantityDisclosed':
      return {
        ...state,
        quantityTonnes: event.data.quantityTonnes ?? state.quantityTonnes,
        value: event.data.value ?? state.value,
      }
    case 'ShipmentFactRetracted':
    case 'RestrictionImposed':
    case 'RestrictionExpanded':
    case 'RestrictionSuspended':
    case 'RestrictionReinstated':
    case 'RestrictionLifted':
    case 'RestrictionFactRetracted':
      return state
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}
