import {
  type CancelShipmentBody,
  type CommandData,
  type DeliverShipmentBody,
  type DiscloseShipmentQuantityBody,
  DomainError,
  provenanceOf,
  retractionOf,
  type RecordShipmentBody,
  type RetractFact,
  type ShipmentEvent,
  type ShipShipmentBody,
  type TimelineEntry,
  type TradeFlowEvent,
} from '@ree/contracts'
import type { Decider } from '@ree/event-store'
import { isDeepStrictEqual } from 'node:util'
import { evolve, initialState, type Shipment } from './shipment.ts'

type Of<Type extends string, Data> = { type: Type; shipmentId: string; data: Data }

/** Commands are the validated bodies, with the shipment id resolved. */
export type ShipmentCommand =
  | Of<'RecordShipment', Omit<CommandData<typeof RecordShipmentBody>, 'id'>>
  | Of<'ShipShipment', CommandData<typeof ShipShipmentBody>>
  | Of<'DeliverShipment', CommandData<typeof DeliverShipmentBody>>
  | Of<'CancelShipment', CommandData<typeof CancelShipmentBody>>
  | Of<'DiscloseShipmentQuantity', CommandData<typeof DiscloseShipmentQuantityBody>>

/** The rule codes a client can branch on (problem `type` `/problems/<code>`). */
export const shipmentRules = {
  alreadyRecorded: 'shipment-already-recorded',
  notFound: 'shipment-not-found',
  alreadyShipped: 'shipment-already-shipped',
  notShipped: 'shipment-not-shipped',
  alreadyDelivered: 'shipment-already-delivered',
  cancelled: 'shipment-cancelled',
  deliveredNotCancellable: 'delivered-shipment-not-cancellable',
  quantityNotPositive: 'quantity-not-positive',
  nothingDisclosed: 'disclosure-changes-nothing',
} as const

/** The rules every fact keeps where it stands on the shipment's timeline: booked → shipped → delivered, or cancelled before delivery. */
export function check(state: Shipment, event: TradeFlowEvent): void {
  if (event.type === 'ShipmentRecorded') {
    if (state.recorded) {
      throw new DomainError(shipmentRules.alreadyRecorded, `shipment ${state.id} is already recorded`, 'conflict')
    }
    return
  }
  // Facts outside a recording (its own was retracted) wait, unjudged, for one.
  if (!state.recorded) return
  const { id, status } = state
  switch (event.type) {
    case 'ShipmentShipped':
      if (status === 'cancelled') throw new DomainError(shipmentRules.cancelled, `shipment ${id} was cancelled`)
      if (status !== 'booked')
        throw new DomainError(shipmentRules.alreadyShipped, `shipment ${id} is already ${status}`)
      return
    case 'ShipmentDelivered':
      if (status === 'booked') {
        throw new DomainError(
          shipmentRules.notShipped,
          `shipment ${id} is booked but has not left: record its departure first`,
        )
      }
      if (status === 'delivered')
        throw new DomainError(shipmentRules.alreadyDelivered, `shipment ${id} is already delivered`)
      if (status === 'cancelled') throw new DomainError(shipmentRules.cancelled, `shipment ${id} was cancelled`)
      return
    case 'ShipmentCancelled':
      if (status === 'delivered') {
        throw new DomainError(
          shipmentRules.deliveredNotCancellable,
          `shipment ${id} was delivered: a delivered shipment cannot be cancelled`,
        )
      }
      if (status === 'cancelled') throw new DomainError(shipmentRules.cancelled, `shipment ${id} is already cancelled`)
      return
    case 'ShipmentQuantityDisclosed':
    case 'ShipmentFactRetracted':
    case 'RestrictionImposed':
    case 'RestrictionExpanded':
    case 'RestrictionSuspended':
    case 'RestrictionReinstated':
    case 'RestrictionLifted':
    case 'RestrictionFactRetracted':
      return
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

/** The events of a command, judged against the shipment as it stood on the command's date. */
export function decide(command: ShipmentCommand, state: Shipment): ShipmentEvent[] {
  const shipmentId = command.shipmentId
  if (command.type === 'RecordShipment') {
    assertPositive(command.data.quantityTonnes, command.data.value?.amount)
    return [{ type: 'ShipmentRecorded', data: { shipmentId, ...command.data } }]
  }
  if (!state.recorded) {
    throw new DomainError(shipmentRules.notFound, `no shipment ${shipmentId} is recorded`, 'not-found')
  }
  const provenance = provenanceOf(command.data)
  switch (command.type) {
    case 'ShipShipment':
      return [{ type: 'ShipmentShipped', data: { shipmentId, ...provenance } }]
    case 'DeliverShipment':
      return [{ type: 'ShipmentDelivered', data: { shipmentId, ...provenance } }]
    case 'CancelShipment':
      return [
        {
          type: 'ShipmentCancelled',
          data: { shipmentId, from: state.status, reason: command.data.reason, ...provenance },
        },
      ]
    case 'DiscloseShipmentQuantity': {
      const { quantityTonnes, value } = command.data
      assertPositive(quantityTonnes, value?.amount)
      const newQuantity = quantityTonnes !== undefined && quantityTonnes !== state.quantityTonnes
      const newValue = value !== undefined && !isDeepStrictEqual(value, state.value)
      if (!newQuantity && !newValue) {
        throw new DomainError(shipmentRules.nothingDisclosed, 'the shipment already has exactly these figures')
      }
      const data: Extract<ShipmentEvent, { type: 'ShipmentQuantityDisclosed' }>['data'] = { shipmentId, ...provenance }
      if (newQuantity) data.quantityTonnes = quantityTonnes
      if (newValue) data.value = value
      return [{ type: 'ShipmentQuantityDisclosed', data }]
    }
    default: {
      const unexpected: never = command
      throw new Error(`unhandled command ${JSON.stringify(unexpected)}`)
    }
  }
}

/** Quantities are positive: zero or a negative tonnage or value is never a fact. */
function assertPositive(...quantities: Array<number | undefined>): void {
  for (const quantity of quantities) {
    if (quantity !== undefined && !(quantity > 0 && Number.isFinite(quantity))) {
      throw new DomainError(shipmentRules.quantityNotPositive, `${quantity} is not a positive quantity`)
    }
  }
}

export function retract(command: RetractFact, target: TimelineEntry<TradeFlowEvent>): TradeFlowEvent {
  const data = target.event.data
  if (!('shipmentId' in data)) throw new Error(`${target.eventType} is not a shipment's event`)
  return {
    type: 'ShipmentFactRetracted',
    data: {
      shipmentId: data.shipmentId,
      ...retractionOf(command, target),
    },
  }
}

export const shipmentDecider: Decider<ShipmentCommand, TradeFlowEvent, Shipment> = {
  initialState,
  evolve,
  decide,
  check,
  retract,
}
