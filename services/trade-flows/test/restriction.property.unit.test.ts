import type { RestrictionStatus, TimelineEntry, TradeFlowEvent } from '@ree/contracts'
import { assertCoverage, assertTimelineProperties, timelineDates, timelineSteps } from '@ree/testing'
import fc from 'fast-check'
import t from 'tap'
import { type RestrictionCommand, restrictionDecider } from '../src/index.ts'

const provenance = { sources: [{ publisher: 'Pillsbury' }], confidence: 'normal' as const }
const restrictionId = 'prop-restriction'
const details = {
  name: 'Prop controls',
  actor: { type: 'country' as const, country: 'CN' },
  kind: 'export-control' as const,
  origin: 'CN',
  destinations: 'all' as const,
  elements: ['Ho' as const],
  forms: ['oxide' as const],
}

const impose = fc.constant<RestrictionCommand>({
  type: 'ImposeRestriction',
  restrictionId,
  data: { ...details, ...provenance },
})
const next = fc.oneof(
  fc.option(timelineDates, { nil: undefined }).map(
    (until): RestrictionCommand => ({
      type: 'SuspendRestriction',
      restrictionId,
      data: until === undefined ? provenance : { until, ...provenance },
    }),
  ),
  fc.constant<RestrictionCommand>({ type: 'ReinstateRestriction', restrictionId, data: provenance }),
  fc.constant<RestrictionCommand>({ type: 'LiftRestriction', restrictionId, data: provenance }),
  fc.constantFrom('Er' as const, 'Tm' as const).map(
    (element): RestrictionCommand => ({
      type: 'ExpandRestriction',
      restrictionId,
      data: { addElements: [element], addForms: [], ...provenance },
    }),
  ),
)

/** Nothing after a lifting; a reinstatement only within a suspension, which lapses after its last day. */
function invariants(timeline: readonly TimelineEntry<TradeFlowEvent>[]): string | undefined {
  let restriction: { status: RestrictionStatus; until?: string | undefined } | undefined
  for (const { event, effectiveDate } of timeline) {
    const on = ` on ${effectiveDate}`
    if (event.type === 'RestrictionImposed') {
      if (restriction) return `imposed twice${on}`
      restriction = { status: 'in-force' }
      continue
    }
    if (!restriction || !event.type.startsWith('Restriction') || event.type === 'RestrictionFactRetracted') continue
    if (restriction.status === 'lifted') return `lifted, then ${event.type}${on}`
    const until = restriction.until
    const suspended = restriction.status === 'suspended' && (until === undefined || effectiveDate <= until)
    if (event.type === 'RestrictionReinstated') {
      if (!suspended) return `reinstated while in force${on}`
      restriction = { status: 'in-force' }
    }
    if (event.type === 'RestrictionSuspended') {
      if (suspended && (event.data.until === undefined || event.data.until === until)) {
        return `suspended again without a new end${on}`
      }
      restriction = { status: 'suspended', until: event.data.until }
    }
    if (event.type === 'RestrictionLifted') restriction = { status: 'lifted' }
  }
  return undefined
}

t.test('any history of accepted restriction facts keeps the timeline, the suspensions and the lifting', async (t) => {
  const counts = assertTimelineProperties({
    decider: restrictionDecider,
    steps: timelineSteps(impose, next),
    invariants,
    numRuns: 300,
    provenance,
  })
  assertCoverage(t, counts)
})
