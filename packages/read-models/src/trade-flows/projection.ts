import { type CloudEvent, restrictionEvents, shipmentEvents, UnknownEventTypeError } from '@ree/contracts'
import type pg from 'pg'
import { StreamGapError } from '../deposits/projection.ts'
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

/** The version the read model holds for an entity, locked; undefined when this event is already applied. */
async function nextFor<View>(
  client: pg.ClientBase,
  table: 'shipments' | 'restrictions',
  event: CloudEvent,
): Promise<{ view: View | undefined } | undefined> {
  const current = await client.query<{ version: number; view: View }>(
    `SELECT version, view FROM read_models.${table} WHERE id = $1 FOR UPDATE`,
    [event.subject],
  )
  const stored = current.rows[0]
  const storedVersion = stored?.version ?? 0
  if (event.streamversion <= storedVersion) return undefined
  if (event.streamversion !== storedVersion + 1) {
    throw new StreamGapError(
      `${table} ${event.subject} is at version ${storedVersion}; event ${event.id} is version ${event.streamversion}`,
    )
  }
  return { view: stored?.view }
}

/**
 * Applies one shipment event. Applying it again changes nothing: the history row
 * already exists and the stored version is not behind it.
 */
export async function projectShipmentEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  const next = await nextFor<ShipmentView>(client, 'shipments', event)
  if (!next) return
  const view = evolveShipmentView(next.view, event)
  await client.query(
    `INSERT INTO read_models.shipment_history (shipment_id, stream_version, effective_date, recorded_at, event)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [event.subject, event.streamversion, event.effectivedate, event.time, JSON.stringify(event)],
  )
  if (!view) return
  await client.query(
    `INSERT INTO read_models.shipments (id, origin, destination, status, form, elements, quantity_tonnes, flow_date, version, view)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (id) DO UPDATE SET origin = $2, destination = $3, status = $4, form = $5, elements = $6,
       quantity_tonnes = $7, flow_date = $8, version = $9, view = $10`,
    [
      view.id,
      view.origin,
      view.destination,
      view.status,
      view.form ?? null,
      view.elements,
      view.quantityTonnes ?? null,
      view.flowDate,
      view.version,
      JSON.stringify(view),
    ],
  )
}

/** Applies one restriction event, idempotently like shipments. */
export async function projectRestrictionEvent(client: pg.ClientBase, event: CloudEvent): Promise<void> {
  const next = await nextFor<RestrictionView>(client, 'restrictions', event)
  if (!next) return
  const view = evolveRestrictionView(next.view, event)
  await client.query(
    `INSERT INTO read_models.restriction_history (restriction_id, stream_version, effective_date, recorded_at, event)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`,
    [event.subject, event.streamversion, event.effectivedate, event.time, JSON.stringify(event)],
  )
  if (!view) return
  await client.query(
    `INSERT INTO read_models.restrictions (id, origin, destinations, kind, status, elements, forms, imposed_on, version, view)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
     ON CONFLICT (id) DO UPDATE SET origin = $2, destinations = $3, kind = $4, status = $5, elements = $6, forms = $7,
       imposed_on = $8, version = $9, view = $10`,
    [
      view.id,
      view.origin,
      view.destinations === 'all' ? null : view.destinations,
      view.kind,
      view.status,
      view.elements,
      view.forms,
      view.imposedOn,
      view.version,
      JSON.stringify(view),
    ],
  )
}
