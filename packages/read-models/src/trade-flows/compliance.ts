import { IsoDate, RestrictionKind } from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { readAt, type TemporalQuery } from '../temporal.ts'
import { allStates, getState } from '../temporal-model.ts'
import { restrictionModel } from './projection.ts'
import { inForceOn, type RestrictionView } from './restriction-view.ts'
import type { ShipmentView } from './shipment-view.ts'

type Queryable = pg.Pool | pg.ClientBase

/** What a shipment leaves undisclosed that a restriction's scope turns on. */
const Undisclosed = z.enum(['elements', 'form', 'exporter'])

export const ApplicableRestriction = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: RestrictionKind,
    actorName: z.string(),
    legalReference: z.string().optional(),
    applies: z.enum(['yes', 'possibly']).meta({
      description:
        '`yes`: the shipment falls within its scope; `possibly`: it does unless what the shipment leaves undisclosed (`undisclosed`) puts it outside',
    }),
    undisclosed: z.array(Undisclosed).optional(),
  })
  .meta({ id: 'ApplicableRestriction' })
export type ApplicableRestriction = z.output<typeof ApplicableRestriction>

export const ShipmentCompliance = z
  .object({
    date: IsoDate.meta({ description: "The shipment's date: shipped, else delivered, else booked" }),
    restrictions: z.array(ApplicableRestriction).meta({
      description:
        'The restrictions in force that day on its origin, destination, elements and forms (and, for a company’s own measure, its exporter), as the ledger knows them at the read’s record time. Empty: none.',
    }),
    asKnownWhenRecorded: z
      .object({ recordedAt: z.string(), restrictions: z.array(ApplicableRestriction) })
      .optional()
      .meta({
        description:
          'Present only when it differs: the same check as the ledger knew the restrictions when it recorded the shipment',
      }),
  })
  .meta({ id: 'ShipmentCompliance' })
export type ShipmentCompliance = z.output<typeof ShipmentCompliance>

/**
 * Whether a restriction, as it stood on the shipment's date, reaches the shipment: same
 * origin, a destination it targets, an element and a form it names (or it names none),
 * and for a company's own measure, that company's shipments. What the shipment leaves
 * undisclosed makes it `possibly`, never `yes` and never left out.
 */
export function restrictionApplies(
  restriction: RestrictionView,
  shipment: ShipmentView,
): { applies: 'yes' | 'possibly'; undisclosed: Array<z.output<typeof Undisclosed>> } | undefined {
  if (!inForceOn(restriction, shipment.flowDate)) return undefined
  if (restriction.origin !== shipment.origin) return undefined
  if (restriction.destinations !== 'all' && !restriction.destinations.includes(shipment.destination)) return undefined
  const undisclosed: Array<z.output<typeof Undisclosed>> = []
  if (restriction.elements.length > 0) {
    if (shipment.elements.length === 0) undisclosed.push('elements')
    else if (!shipment.elements.some((element) => restriction.elements.includes(element))) return undefined
  }
  if (restriction.forms.length > 0) {
    if (shipment.form === undefined) undisclosed.push('form')
    else if (!restriction.forms.includes(shipment.form)) return undefined
  }
  if (restriction.actor.type === 'company') {
    if (shipment.exporter === undefined) undisclosed.push('exporter')
    else if (!sameName(shipment.exporter, restriction.actor.name)) return undefined
  }
  return { applies: undisclosed.length === 0 ? 'yes' : 'possibly', undisclosed }
}

function sameName(a: string, b: string): boolean {
  const [x, y] = [a.toLowerCase(), b.toLowerCase()]
  return x.includes(y) || y.includes(x)
}

function applicable(restriction: RestrictionView, shipment: ShipmentView): ApplicableRestriction | undefined {
  const verdict = restrictionApplies(restriction, shipment)
  if (!verdict) return undefined
  const entry: ApplicableRestriction = {
    id: restriction.id,
    name: restriction.name,
    kind: restriction.kind,
    actorName: restriction.actorName,
    applies: verdict.applies,
  }
  if (restriction.legalReference !== undefined) entry.legalReference = restriction.legalReference
  if (verdict.undisclosed.length > 0) entry.undisclosed = verdict.undisclosed
  return entry
}

/** The restrictions with the shipment's origin, as they stood on its date, known at one record time. */
async function restrictionsOn(db: Queryable, shipment: ShipmentView, recordedAsOf: string | undefined) {
  const restrictions = await allStates(db, restrictionModel, {
    filters: { origin: shipment.origin },
    ...readAt({ asOf: shipment.flowDate, recordedAsOf }),
  })
  return restrictions.flatMap((restriction) => applicable(restriction, shipment) ?? [])
}

/** The restrictions in force on a shipment's date that reach it, as known at the read, and when it was recorded. */
export async function complianceOf(
  db: Queryable,
  shipment: ShipmentView,
  query: TemporalQuery,
): Promise<ShipmentCompliance> {
  const restrictions = await restrictionsOn(db, shipment, query.recordedAsOf)
  const compliance: ShipmentCompliance = { date: shipment.flowDate, restrictions }
  const recordedAt = shipment.recording.recordedAt
  const then = await restrictionsOn(db, shipment, recordedAt)
  if (JSON.stringify(then) !== JSON.stringify(restrictions)) {
    compliance.asKnownWhenRecorded = { recordedAt, restrictions: then }
  }
  return compliance
}

/**
 * The ids of the shipments (among those given, as read) a restriction reached on each
 * one's own date, judged on the restriction as it stood that date and known at the read.
 */
export async function reachedBy(
  db: Queryable,
  restrictionId: string,
  shipments: readonly ShipmentView[],
  query: TemporalQuery,
): Promise<string[]> {
  const byDate = new Map<string, Promise<RestrictionView | undefined>>()
  const restrictionOn = (date: string) => {
    let found = byDate.get(date)
    if (!found) {
      found = getState<RestrictionView>(db, restrictionModel, restrictionId, readAt({ ...query, asOf: date }))
      byDate.set(date, found)
    }
    return found
  }
  const reached: string[] = []
  for (const shipment of shipments) {
    const restriction = await restrictionOn(shipment.flowDate)
    if (restriction && restrictionApplies(restriction, shipment)) reached.push(shipment.id)
  }
  return reached
}
