import { type CloudEvent, restrictionEvents, shipmentEvents, UnknownEventTypeError } from '@ree/contracts'
import type pg from 'pg'
import { projectVersionedView, type VersionedView } from '../versioned-view.ts'
import { evolveRestrictionView, type RestrictionView } from './restriction-view.ts'
import { evolveShipmentView, type ShipmentView } from './shipment-view.ts'

const isShipmentEvent = (event: CloudEvent) => shipmentEvents.some((definition) => definition.type === event.type)
const isRestrictionEvent = (event: CloudEvent) => restrictionEvents.some((definition) => definition.type === event.type)

/** Routes a trade-flows event to the shipment or the restriction read model. */
export async function projectTradeFlowEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  if (isShipmentEvent(event)) return projectShipmentEvent(client, event)
  if (isRestrictionEvent(event)) return projectRestrictionEvent(client, event)
  throw new UnknownEventTypeError(`${event.source} ${event.type}`)
}

export const shipmentViews: VersionedView<ShipmentView> = {
  entity: 'shipments',
  table: 'shipments',
  historyTable: 'shipment_history',
  historyKey: 'shipment_id',
  evolve: evolveShipmentView,
  columns: (view) => ({
    origin: view.origin,
    destination: view.destination,
    status: view.status,
    form: view.form ?? null,
    elements: view.elements,
    quantity_tonnes: view.quantityTonnes ?? null,
    flow_date: view.flowDate,
  }),
}

export const restrictionViews: VersionedView<RestrictionView> = {
  entity: 'restrictions',
  table: 'restrictions',
  historyTable: 'restriction_history',
  historyKey: 'restriction_id',
  evolve: evolveRestrictionView,
  columns: (view) => ({
    origin: view.origin,
    destinations: view.destinations === 'all' ? null : view.destinations,
    kind: view.kind,
    status: view.status,
    elements: view.elements,
    forms: view.forms,
    imposed_on: view.imposedOn,
  }),
}

export function projectShipmentEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  return projectVersionedView(client, shipmentViews, event)
}

export function projectRestrictionEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  return projectVersionedView(client, restrictionViews, event)
}
