import {
  type CancelShipmentBody,
  type CommandData,
  type DeliverShipmentBody,
  type DiscloseShipmentQuantityBody,
  DomainError,
  refuseIfDatedBefore,
  provenanceOf,
  type RecordShipmentBody,
  type ShipmentEvent,
  type ShipShipmentBody,
  type TradeFlowEvent,
} from '@ree/contracts'
import type { Decider } from '@ree/event-store'
import { isDeepStrictEqual } from 'node:util'
import { evolve, initialState, type Shipment } from './shipment.ts'

/** Commands are the validated bodies, with the shipment id resolved. */
export type ShipmentCommand =
  | {
      type: 'RecordShipment'
      shipmentId: string
      data: Omit<CommandData<typeof RecordShipmentBody>, 'id'>
      effectiveDate?: string
    }
  | { type: 'ShipShipment'; shipmentId: string; data: CommandData<typeof ShipShipmentBody>; effectiveDate?: string }
  | {
      type: 'DeliverShipment'
      shipmentId: string
      data: CommandData<typeof DeliverShipmentBody>
      effectiveDate?: string
    }
  | { type: 'CancelShipment'; shipmentId: string; data: CommandData<typeof CancelShipmentBody>; effectiveDate?: string }
  | {
      type: 'DiscloseShipmentQuantity'
      shipmentId: string
      data: CommandData<typeof DiscloseShipmentQuantityBody>
      effectiveDate?: string
    }

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
  datedBeforeCurrentStatus: 'dated-before-current-status',
} as const

export function decide(command: ShipmentCommand, state: Shipment): ShipmentEvent[] {
  const shipmentId = command.shipmentId
  if (command.type === 'RecordShipment') {
    if (state.status !== 'unrecorded') {
      throw new DomainError(shipmentRules.alreadyRecorded, `shipment ${shipmentId} is already recorded`, 'conflict')
    }
    assertPositive(command.data.quantityTonnes, command.data.value?.amount)
    return [{ type: 'ShipmentRecorded', data: { shipmentId, ...command.data } }]
  }
  if (state.status === 'unrecorded') {
    throw new DomainError(shipmentRules.notFound, `no shipment ${shipmentId} is recorded`, 'not-found')
  }
  const provenance = provenanceOf(command.data)
  const status = state.status
  if (command.type !== 'DiscloseShipmentQuantity') {
    refuseIfDatedBefore(command.effectiveDate, state.statusSince, {
      code: shipmentRules.datedBeforeCurrentStatus,
      current: `the shipment has been ${status}`,
    })
  }
  switch (command.type) {
    case 'ShipShipment':
      switch (status) {
        case 'booked':
          return [{ type: 'ShipmentShipped', data: { shipmentId, ...provenance } }]
        case 'cancelled':
          throw new DomainError(shipmentRules.cancelled, `shipment ${shipmentId} was cancelled`)
        case 'shipped':
        case 'delivered':
          throw new DomainError(shipmentRules.alreadyShipped, `shipment ${shipmentId} is already ${status}`)
        default: {
          const unexpected: never = status
          throw new Error(`unhandled status ${String(unexpected)}`)
        }
      }
    case 'DeliverShipment':
      switch (status) {
        case 'shipped':
          return [{ type: 'ShipmentDelivered', data: { shipmentId, ...provenance } }]
        case 'booked':
          throw new DomainError(
            shipmentRules.notShipped,
            `shipment ${shipmentId} is booked but has not left: record its departure first`,
          )
        case 'delivered':
          throw new DomainError(shipmentRules.alreadyDelivered, `shipment ${shipmentId} is already delivered`)
        case 'cancelled':
          throw new DomainError(shipmentRules.cancelled, `shipment ${shipmentId} was cancelled`)
        default: {
          const unexpected: never = status
          throw new Error(`unhandled status ${String(unexpected)}`)
        }
      }
    case 'CancelShipment':
      switch (status) {
        case 'booked':
        case 'shipped':
          return [
            {
              type: 'ShipmentCancelled',
              data: { shipmentId, from: status, reason: command.data.reason, ...provenance },
            },
          ]
        case 'delivered':
          throw new DomainError(
            shipmentRules.deliveredNotCancellable,
            `shipment ${shipmentId} was delivered: a delivered shipment cannot be cancelled`,
          )
        case 'cancelled':
          throw new DomainError(shipmentRules.cancelled, `shipment ${shipmentId} is already cancelled`)
        default: {
          const unexpected: never = status
          throw new Error(`unhandled status ${String(unexpected)}`)
        }
      }
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

export const shipmentDecider: Decider<ShipmentCommand, TradeFlowEvent, Shipment> = { initialState, evolve, decide }
