import {
  type CloudEvent,
  Coordinates,
  CountryCode,
  countryName,
  decodeEvent,
  FacilityCapacity,
  FacilityStage,
  FacilityStatus,
  FeedSupplier,
  facilitiesContext,
  IsoDate,
  Operator,
  RareEarthElement,
} from '@ree/contracts'
import { z } from 'zod'
import { blockingViewFields, withBlocking, withUnblocking } from '../blocking.ts'
import { CoordinatesFact, Fact, factOf, withCorrections } from '../fact.ts'

export const FacilityStatusChange = Fact.extend({
  status: FacilityStatus,
  from: FacilityStatus.optional().meta({ description: 'The status before it on the timeline' }),
}).meta({ id: 'FacilityStatusChange' })

export const FacilityCapacityFact = Fact.extend({ capacity: FacilityCapacity }).meta({ id: 'FacilityCapacityFact' })

/** A feed as the fold keeps it: the supplier named and the fact that linked it. */
const StoredFeed = FeedSupplier.extend(Fact.shape)

const facilityFields = {
  id: z.string(),
  name: z.string(),
  country: CountryCode,
  countryName: z.string(),
  region: z.string().optional(),
  coordinates: Coordinates.optional(),
  coordinatesFact: CoordinatesFact.optional(),
  operators: z.array(Operator),
  stages: z.array(FacilityStage),
  products: z.array(z.string()),
  elements: z.array(RareEarthElement),
  status: FacilityStatus,
  statusSince: IsoDate,
  statusHistory: z.array(FacilityStatusChange),
  ...blockingViewFields,
  capacities: z
    .array(FacilityCapacityFact)
    .meta({ description: 'Every stated capacity, in date order, side by side: a later one never overwrites' }),
  feeds: z.array(StoredFeed),
  registration: Fact,
  version: z.number().int().meta({ description: 'Stream version; the ETag of this facility' }),
  lastRecordedAt: z.string(),
}

/** The fold the projection stores; reads answer with `Facility`, its feeds resolved. */
export const FacilityView = z.object(facilityFields)
export type FacilityView = z.output<typeof FacilityView>

/**
 * The query side's own fold: pure, so the projection stores it and `asOf` reads
 * replay it over the history. Events before registration leave it undefined.
 */
export function evolveFacilityView(view: FacilityView | undefined, event: CloudEvent): FacilityView | undefined {
  const domainEvent = decodeEvent(facilitiesContext, event)
  const base = { version: event.streamversion, lastRecordedAt: event.time }
  if (domainEvent.type === 'FacilityRegistered') {
    const data = domainEvent.data
    const fact = factOf(event, data)
    const registered: FacilityView = {
      id: data.facilityId,
      name: data.name,
      country: data.country,
      countryName: countryName(data.country),
      operators: data.operators,
      stages: data.stages,
      products: data.products,
      elements: data.elements,
      status: data.status,
      statusSince: event.effectivedate,
      statusHistory: [{ status: data.status, ...fact }],
      blocked: false,
      blockingHistory: [],
      capacities: [],
      feeds: [],
      registration: fact,
      ...base,
    }
    if (data.region !== undefined) registered.region = data.region
    if (data.coordinates !== undefined) {
      registered.coordinates = data.coordinates
      registered.coordinatesFact = fact
    }
    return registered
  }
  if (!view) return undefined
  switch (domainEvent.type) {
    case 'FacilityDetailsCorrected':
      return withCorrections(view, domainEvent.data.changes, base, factOf(event, domainEvent.data))
    case 'FacilityStatusChanged': {
      const status = domainEvent.data.status
      const change = { status, from: view.status, ...factOf(event, domainEvent.data) }
      return {
        ...view,
        status,
        statusSince: event.effectivedate,
        statusHistory: [...view.statusHistory, change],
        ...base,
      }
    }
    case 'FacilityCapacityStated': {
      const stated = { capacity: domainEvent.data.capacity, ...factOf(event, domainEvent.data) }
      return { ...view, capacities: [...view.capacities, stated], ...base }
    }
    case 'FacilityFeedLinked': {
      const { kind, id } = domainEvent.data.supplier
      return { ...view, feeds: [...view.feeds, { kind, id, ...factOf(event, domainEvent.data) }], ...base }
    }
    case 'FacilityFeedUnlinked': {
      const { kind, id } = domainEvent.data.supplier
      return { ...view, feeds: view.feeds.filter((feed) => feed.kind !== kind || feed.id !== id), ...base }
    }
    case 'FacilityBlocked':
      return { ...withBlocking(view, event, domainEvent.data), ...base }
    case 'FacilityUnblocked':
      return { ...withUnblocking(view, event, domainEvent.data), ...base }
    case 'FacilityFactRetracted':
      return view
    default: {
      const unexpected: never = domainEvent
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}
