import {
  type FacilityEvent,
  FacilityStatus,
  facilityStatusMoves,
  type FeedSupplier,
  type TimelineEntry,
} from '@ree/contracts'
import { assertCoverage, assertTimelineProperties, timelineSteps } from '@ree/testing'
import fc from 'fast-check'
import t from 'tap'
import { type FacilityCommand, facilityDecider } from '../src/index.ts'

const provenance = { sources: [{ publisher: 'Argus' }], confidence: 'normal' as const }
const facilityId = 'prop-facility'
const status = fc.constantFrom(...FacilityStatus.options)
const supplier = fc.constantFrom<FeedSupplier>(
  { kind: 'deposit', id: 'mount-weld' },
  { kind: 'facility', id: 'lynas-kalgoorlie' },
)

const register = status.map(
  (status): FacilityCommand => ({
    type: 'RegisterFacility',
    facilityId,
    data: {
      name: 'Prop',
      operators: [],
      country: 'MY',
      stages: ['separation-refining'],
      products: [],
      elements: [],
      status,
      ...provenance,
    },
  }),
)
const next = fc.oneof(
  status.map(
    (status): FacilityCommand => ({ type: 'ChangeFacilityStatus', facilityId, data: { status, ...provenance } }),
  ),
  supplier.map(
    (supplier): FacilityCommand => ({ type: 'LinkFacilityFeed', facilityId, data: { supplier, ...provenance } }),
  ),
  supplier.map(
    (supplier): FacilityCommand => ({ type: 'UnlinkFacilityFeed', facilityId, data: { supplier, ...provenance } }),
  ),
)

/** The facility's lifecycle and feeds, stated over the timeline apart from the decider. */
function invariants(timeline: readonly TimelineEntry<FacilityEvent>[]): string | undefined {
  let current: FacilityStatus | undefined
  const feeds = new Set<string>()
  for (const { event, effectiveDate } of timeline) {
    if (event.type === 'FacilityRegistered') {
      if (current !== undefined) return `registered twice (again on ${effectiveDate})`
      current = event.data.status
      continue
    }
    if (current === undefined) continue
    if (event.type === 'FacilityStatusChanged') {
      if (!facilityStatusMoves[current].includes(event.data.status)) {
        return `moved from ${current} to ${event.data.status} on ${effectiveDate}`
      }
      current = event.data.status
    }
    const key = 'supplier' in event.data ? `${event.data.supplier.kind}:${event.data.supplier.id}` : ''
    if (event.type === 'FacilityFeedLinked') {
      if (feeds.has(key)) return `${key} linked twice on ${effectiveDate}`
      feeds.add(key)
    }
    if (event.type === 'FacilityFeedUnlinked' && !feeds.delete(key))
      return `${key} unlinked while not linked on ${effectiveDate}`
  }
  return undefined
}

t.test('any history of accepted facility facts keeps the timeline, the lifecycle and the feeds', async (t) => {
  const counts = assertTimelineProperties({
    decider: facilityDecider,
    steps: timelineSteps(register, next),
    invariants,
    numRuns: 300,
    provenance,
  })
  assertCoverage(t, counts)
})
