import { type CloudEvent, restrictionEvents, shipmentEvents, UnknownEventTypeError, upcastEvent } from '@ree/contracts'
import type pg from 'pg'
import { containsText, covers, equals, includes, includesOrAll, onOrAfter, onOrBefore } from '../filters.ts'
import { defineTemporalModel, projectTemporal } from '../temporal-model.ts'
import type { RestrictionFilters } from './restriction-queries.ts'
import { evolveRestrictionView, lapseOfSuspension, type RestrictionView } from './restriction-view.ts'
import type { ShipmentFilters } from './shipment-queries.ts'
import { evolveShipmentView, type ShipmentView } from './shipment-view.ts'

const isShipmentEvent = (event: CloudEvent) => shipmentEvents.some((definition) => definition.type === event.type)
const isRestrictionEvent = (event: CloudEvent) => restrictionEvents.some((definition) => definition.type === event.type)

/** Routes a trade-flows event to the shipment or the restriction read model. */
export async function projectTradeFlowEvent(client: pg.ClientBase, received: CloudEvent): Promise<void> {
  const event = upcastEvent(received)
  if (isShipmentEvent(event)) return projectTemporal(client, shipmentModel, event)
  if (isRestrictionEvent(event)) return projectTemporal(client, restrictionModel, event)
  throw new UnknownEventTypeError(`${event.source} ${event.type}`)
}

export const shipmentModel = defineTemporalModel<ShipmentView, ShipmentFilters & { ids?: string[] }>({
  name: 'shipment',
  evolve: evolveShipmentView,
  columns: {
    origin: { type: 'text', of: (view) => view.origin, index: 'btree' },
    destination: { type: 'text', of: (view) => view.destination },
    status: { type: 'text', of: (view) => view.status },
    form: { type: 'text', of: (view) => view.form },
    elements: { type: 'text[]', of: (view) => view.elements },
    flow_date: { type: 'date', of: (view) => view.flowDate },
  },
  filters: {
    origin: equals('origin'),
    destination: equals('destination'),
    element: includes('elements'),
    form: equals('form'),
    status: equals('status'),
    dateFrom: onOrAfter('flow_date'),
    dateTo: onOrBefore('flow_date'),
    ids: { where: (p) => `s.id = ANY (${p}::text[])` },
  },
})

export const restrictionModel = defineTemporalModel<RestrictionView, RestrictionFilters>({
  name: 'restriction',
  evolve: evolveRestrictionView,
  lapse: lapseOfSuspension,
  columns: {
    origin: { type: 'text', of: (view) => view.origin, index: 'btree' },
    destinations: { type: 'text[]', of: (view) => (view.destinations === 'all' ? null : view.destinations) },
    kind: { type: 'text', of: (view) => view.kind },
    status: { type: 'text', of: (view) => view.status },
    elements: { type: 'text[]', of: (view) => view.elements },
    forms: { type: 'text[]', of: (view) => view.forms },
    actor_name: { type: 'text', of: (view) => view.actorName },
    imposed_on: { type: 'date', of: (view) => view.imposedOn },
  },
  filters: {
    origin: equals('origin'),
    destination: includesOrAll('destinations'),
    element: covers('elements'),
    form: covers('forms'),
    kind: equals('kind'),
    status: equals('status'),
    actor: containsText('actor_name'),
    dateFrom: onOrAfter('imposed_on'),
    dateTo: onOrBefore('imposed_on'),
  },
})

export function projectShipmentEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  return projectTemporal(client, shipmentModel, event)
}

export function projectRestrictionEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  return projectTemporal(client, restrictionModel, event)
}
