import { shipmentCommandRoutes, tradeFlowsContext } from '@ree/contracts'
import { type CommandSettings, commandRouter } from '@ree/platform'
import type pg from 'pg'
import { type ShipmentCommand, shipmentDecider } from './decide.ts'

export function shipmentRoutes(pool: pg.Pool, settings: CommandSettings = {}) {
  return commandRouter({
    pool,
    context: tradeFlowsContext,
    routes: shipmentCommandRoutes,
    decider: shipmentDecider,
    streamId: (id) => `shipment-${id}`,
    location: (id) => `/v1/shipments/${id}`,
    toCommand: (name, shipmentId, data) => ({ type: name, shipmentId, data }) as ShipmentCommand,
    ...settings,
  })
}
