import { type Money, type ShipmentStatus, statusSinceOf, type TradeFlowEvent } from '@ree/contracts'

/** What the decider needs to know about a shipment to judge the next command. */
export type Shipment =
  | { status: 'unrecorded' }
  | {
      status: ShipmentStatus
      /** When the current status began, where the history says. */
      statusSince?: string
      id: string
      quantityTonnes: number | undefined
      value: Money | undefined
    }

export const initialState: Shipment = { status: 'unrecorded' }

export function evolve(state: Shipment, event: TradeFlowEvent): Shipment {
  switch (event.type) {
    case 'ShipmentRecorded':
      return {
        status: event.data.status,
        id: event.data.shipmentId,
        quantityTonnes: event.data.quantityTonnes,
        value: event.data.value,
        ...statusSinceOf(event),
      }
    case 'ShipmentShipped':
      return state.status === 'unrecorded' ? state : { ...state, status: 'shipped', ...statusSinceOf(event) }
    case 'ShipmentDelivered':
      return state.status === 'unrecorded' ? state : { ...state, status: 'delivered', ...statusSinceOf(event) }
    case 'ShipmentCancelled':
      return state.status === 'unrecorded' ? state : { ...state, status: 'cancelled', ...statusSinceOf(event) }
    case 'ShipmentQuantityDisclosed':
      return state.status === 'unrecorded'
        ? state
        : {
            ...state,
            quantityTonnes: event.data.quantityTonnes ?? state.quantityTonnes,
            value: event.data.value ?? state.value,
          }
    case 'RestrictionImposed':
    case 'RestrictionExpanded':
    case 'RestrictionSuspended':
    case 'RestrictionReinstated':
    case 'RestrictionLifted':
      return state
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}
