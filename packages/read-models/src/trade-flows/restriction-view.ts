import {
  type CloudEvent,
  CountryCode,
  countryName,
  decodeEvent,
  IsoDate,
  MaterialForm,
  RareEarthElement,
  RestrictionActor,
  RestrictionDestinations,
  RestrictionKind,
  RestrictionStatus,
  tradeFlowsContext,
} from '@ree/contracts'
import { z } from 'zod'
import { definedFields, Fact, factOf } from '../fact.ts'
import { dayAfter, LAST_DAY } from '../temporal.ts'

export const RestrictionChange = Fact.extend({
  kind: z.enum(['imposed', 'expanded', 'suspended', 'reinstated', 'lifted']),
  status: RestrictionStatus,
  addedElements: z.array(RareEarthElement).optional(),
  addedForms: z.array(MaterialForm).optional(),
  until: IsoDate.optional(),
  legalReference: z.string().optional(),
}).meta({ id: 'RestrictionChange' })
type RestrictionChange = z.output<typeof RestrictionChange>

export const RestrictionView = z
  .object({
    id: z.string(),
    name: z.string(),
    actor: RestrictionActor,
    actorName: z.string().meta({ description: 'The company, or the country (and its authority)' }),
    kind: RestrictionKind,
    tariffRatePercent: z.number().optional(),
    origin: CountryCode,
    originName: z.string(),
    destinations: RestrictionDestinations,
    elements: z
      .array(RareEarthElement)
      .meta({ description: 'Empty: the measure names no element and covers them all' }),
    forms: z.array(MaterialForm).meta({ description: 'Empty: the measure names no form and covers them all' }),
    legalReference: z.string().optional(),
    status: RestrictionStatus,
    statusSince: IsoDate,
    imposedOn: IsoDate.meta({ description: 'The day it took effect' }),
    suspendedUntil: IsoDate.optional().meta({ description: 'While suspended: the last day of the suspension' }),
    statusHistory: z.array(RestrictionChange),
    inForce: z.boolean().optional().meta({
      description: 'With `inForceOn`: whether it was in force that day (a suspension ends after its last day)',
    }),
    version: z.number().int().meta({ description: 'Stream version; the ETag of this restriction' }),
    lastRecordedAt: z.string(),
  })
  .meta({ id: 'Restriction' })
export type RestrictionView = z.output<typeof RestrictionView>

function actorName(actor: z.output<typeof RestrictionActor>): string {
  switch (actor.type) {
    case 'company':
      return actor.name
    case 'country':
      return actor.authority ? `${countryName(actor.country)} (${actor.authority})` : countryName(actor.country)
    default: {
      const unexpected: never = actor
      throw new Error(`unhandled actor ${JSON.stringify(unexpected)}`)
    }
  }
}

function withChange(view: RestrictionView, change: RestrictionChange): RestrictionView {
  const { suspendedUntil: _previous, ...rest } = view
  const next: RestrictionView = {
    ...rest,
    status: change.status,
    statusSince: view.status === change.status ? view.statusSince : change.effectiveDate,
    statusHistory: [...view.statusHistory, change],
  }
  const until = change.status === 'suspended' ? (change.until ?? view.suspendedUntil) : undefined
  if (until !== undefined) next.suspendedUntil = until
  return next
}

/** Whether the restriction, as it stood on `date`, applied that day. */
export function inForceOn(view: RestrictionView, date: string): boolean {
  switch (view.status) {
    case 'in-force':
      return view.imposedOn <= date
    case 'suspended':
      return view.suspendedUntil !== undefined && view.suspendedUntil < date
    case 'lifted':
      return false
    default: {
      const unexpected: never = view.status
      throw new Error(`unhandled status ${String(unexpected)}`)
    }
  }
}

/**
 * A suspension with an end runs out after its last day: from the next day the
 * restriction stands in force again, with no event to say so.
 */
export function lapseOfSuspension(view: RestrictionView): { on: string; view: RestrictionView } | undefined {
  if (view.status !== 'suspended' || view.suspendedUntil === undefined) return undefined
  // Suspended to the last day a date can name: there is no day after it on which to lapse.
  if (view.suspendedUntil >= LAST_DAY) return undefined
  const on = dayAfter(view.suspendedUntil)
  const { suspendedUntil: _until, ...rest } = view
  return { on, view: { ...rest, status: 'in-force', statusSince: on } }
}

/**
 * The query side's own fold over a restriction's CloudEvents: pure, so the projection
 * stores it and `asOf` and `inForceOn` reads replay it.
 */
export function evolveRestrictionView(
  view: RestrictionView | undefined,
  event: CloudEvent,
): RestrictionView | undefined {
  const domainEvent = decodeEvent(tradeFlowsContext, event)
  const base = { version: event.streamversion, lastRecordedAt: event.time }
  if (domainEvent.type === 'RestrictionImposed') {
    const data = domainEvent.data
    return {
      id: data.restrictionId,
      name: data.name,
      actor: data.actor,
      actorName: actorName(data.actor),
      kind: data.kind,
      ...definedFields(data, ['tariffRatePercent', 'legalReference'] as const),
      origin: data.origin,
      originName: countryName(data.origin),
      destinations: data.destinations,
      elements: data.elements,
      forms: data.forms,
      status: 'in-force',
      statusSince: event.effectivedate,
      imposedOn: event.effectivedate,
      statusHistory: [
        {
          kind: 'imposed',
          status: 'in-force',
          ...definedFields(data, ['legalReference'] as const),
          ...factOf(event, data),
        },
      ],
      ...base,
    }
  }
  if (!view) return undefined
  const fact = factOf(event, domainEvent.data)
  switch (domainEvent.type) {
    case 'RestrictionExpanded': {
      const { addedElements, addedForms } = domainEvent.data
      const change: RestrictionChange = {
        kind: 'expanded',
        status: view.status,
        addedElements,
        addedForms,
        ...definedFields(domainEvent.data, ['legalReference'] as const),
        ...fact,
      }
      return {
        ...withChange(view, change),
        // An expansion learned late may name what a later one already added: each once.
        elements: [...new Set([...view.elements, ...addedElements])],
        forms: [...new Set([...view.forms, ...addedForms])],
        ...base,
      }
    }
    case 'RestrictionSuspended': {
      const change: RestrictionChange = {
        kind: 'suspended',
        status: 'suspended',
        ...definedFields(domainEvent.data, ['until', 'legalReference'] as const),
        ...fact,
      }
      return { ...withChange(view, change), ...base }
    }
    case 'RestrictionReinstated':
    case 'RestrictionLifted': {
      const reinstated = domainEvent.type === 'RestrictionReinstated'
      const change: RestrictionChange = {
        kind: reinstated ? 'reinstated' : 'lifted',
        status: reinstated ? 'in-force' : 'lifted',
        ...definedFields(domainEvent.data, ['legalReference'] as const),
        ...fact,
      }
      return { ...withChange(view, change), ...base }
    }
    case 'ShipmentRecorded':
    case 'ShipmentShipped':
    case 'ShipmentDelivered':
    case 'ShipmentCancelled':
    case 'ShipmentQuantityDisclosed':
    case 'ShipmentFactRetracted':
    case 'RestrictionFactRetracted':
      return view
    default: {
      const unexpected: never = domainEvent
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}
