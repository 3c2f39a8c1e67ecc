import type { FacilityDetails, FacilityEvent, FacilityStatus, FeedSupplier } from '@ree/contracts'
import type { z } from 'zod'
import { type BlockingState, blockingOf } from '../blocking.ts'

export type FacilityDetailsState = z.output<typeof FacilityDetails>

/** What the decider needs to know about a facility, as of a date, to judge a fact on it. */
export type Facility =
  | { recorded: false }
  | {
      recorded: true
      id: string
      status: FacilityStatus
      details: FacilityDetailsState
      feeds: FeedSupplier[]
      /** While a blocking stands (a suspension past its last day has lapsed, whatever this says). */
      blocking?: BlockingState
    }

export const initialState: Facility = { recorded: false }

export const sameSupplier = (a: FeedSupplier, b: FeedSupplier) => a.kind === b.kind && a.id === b.id

/** One step along the facility's timeline (valid time); facts before its registration change nothing. */
export function evolve(state: Facility, event: FacilityEvent): Facility {
  if (event.type === 'FacilityRegistered') {
    const { facilityId, name, operators, country, region, coordinates, stages, products, elements } = event.data
    const details: FacilityDetailsState = { name, operators, country, stages, products, elements }
    if (region !== undefined) details.region = region
    if (coordinates !== undefined) details.coordinates = coordinates
    return { recorded: true, id: facilityId, status: event.data.status, details, feeds: [] }
  }
  if (!state.recorded) return state
  switch (event.type) {
    case 'FacilityDetailsCorrected': {
      const changes = Object.fromEntries(Object.entries(event.data.changes).filter(([, value]) => value !== undefined))
      return { ...state, details: { ...state.details, ...(changes as Partial<FacilityDetailsState>) } }
    }
    case 'FacilityStatusChanged':
      return { ...state, status: event.data.status }
    case 'FacilityFeedLinked':
      return { ...state, feeds: [...state.feeds, event.data.supplier] }
    case 'FacilityFeedUnlinked':
      return { ...state, feeds: state.feeds.filter((supplier) => !sameSupplier(supplier, event.data.supplier)) }
    case 'FacilityBlocked':
      return { ...state, blocking: blockingOf(event.data) }
    case 'FacilityUnblocked': {
      const { blocking: _lifted, ...rest } = state
      return rest
    }
    case 'FacilityCapacityStated':
    case 'FacilityFactRetracted':
      return state
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}
