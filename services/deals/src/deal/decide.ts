import {
  type AmendDealBody,
  type ChangeDealStatusBody,
  type CommandData,
  type DealEvent,
  type DealStatus,
  type DealStatusChangedEvent,
  DomainError,
  dealProgressRank,
  dealStatusEvents,
  dealStatusOfEvent,
  isDealProgress,
  provenanceOf,
  retractionOf,
  type RecordDealBody,
  type RecordDealMilestoneBody,
  type RecordDealReportBody,
  type RetractFact,
  type TimelineEntry,
} from '@ree/contracts'
import type { Decider } from '@ree/event-store'
import { isDeepStrictEqual } from 'node:util'
import { type Deal, evolve, initialState } from './deal.ts'

type Of<Type extends string, Data> = { type: Type; dealId: string; data: Data }

/** Commands are the validated bodies, with the deal id resolved. */
export type DealCommand =
  | Of<'RecordDeal', Omit<CommandData<typeof RecordDealBody>, 'id'>>
  | Of<'ChangeDealStatus', CommandData<typeof ChangeDealStatusBody>>
  | Of<'AmendDeal', CommandData<typeof AmendDealBody>>
  | Of<'RecordDealMilestone', CommandData<typeof RecordDealMilestoneBody>>
  | Of<'RecordDealReport', CommandData<typeof RecordDealReportBody>>

/** The rule codes a client can branch on (problem `type` `/problems/<code>`). */
export const dealRules = {
  alreadyRecorded: 'deal-already-recorded',
  notFound: 'deal-not-found',
  statusUnchanged: 'status-unchanged',
  terminated: 'deal-terminated',
  completed: 'deal-completed',
  newReportRequiredAfterDenial: 'new-report-required-after-denial',
  bindingDealCannotBeDenied: 'binding-deal-cannot-be-denied',
  statusCannotGoBack: 'status-cannot-go-back',
  milestoneOnTerminatedDeal: 'milestone-on-terminated-deal',
  milestoneOnDeniedDeal: 'milestone-on-denied-deal',
  amendmentChangesNothing: 'amendment-changes-nothing',
} as const

type RecordedDeal = Extract<Deal, { recorded: true }>

/** The rules every fact keeps where it stands on the deal's timeline. */
export function check(state: Deal, event: DealEvent): void {
  if (event.type === 'DealRecorded') {
    if (state.recorded) {
      throw new DomainError(dealRules.alreadyRecorded, `deal ${state.id} is already recorded`, 'conflict')
    }
    return
  }
  // Facts outside a recording (its own was retracted) wait, unjudged, for one.
  if (!state.recorded) return
  switch (event.type) {
    case 'DealReported':
    case 'DealAnnounced':
    case 'DealMouSigned':
    case 'DealSigned':
    case 'DealTookEffect':
    case 'DealCompleted':
    case 'DealStalled':
    case 'DealTerminated':
    case 'DealDenied':
      checkTransition(state, dealStatusOfEvent(event.type))
      return
    case 'DealAmended':
      if (state.status === 'terminated') {
        throw new DomainError(dealRules.terminated, `deal ${state.id} is terminated: its terms are no longer amended`)
      }
      return
    case 'DealMilestoneReached':
      if (state.status === 'terminated') {
        throw new DomainError(
          dealRules.milestoneOnTerminatedDeal,
          `deal ${state.id} is terminated: it takes no milestones`,
        )
      }
      if (state.status === 'denied') {
        throw new DomainError(
          dealRules.milestoneOnDeniedDeal,
          `deal ${state.id} was denied: record a new report before any milestone`,
        )
      }
      return
    case 'DealReportRecorded':
    case 'DealFactRetracted':
      return
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

/** The lifecycle: forward from talks to completion, aside to stalled, terminated or denied, never back. */
function checkTransition(deal: RecordedDeal, to: DealStatus): void {
  const from = deal.status
  if (to === from) throw new DomainError(dealRules.statusUnchanged, `the deal is already ${to}`)
  if (from === 'terminated') throw new DomainError(dealRules.terminated, 'the deal is terminated: its status is final')
  if (from === 'completed') throw new DomainError(dealRules.completed, 'the deal is completed: its status is final')
  if (from === 'denied') {
    if (to !== 'reported') {
      throw new DomainError(
        dealRules.newReportRequiredAfterDenial,
        `the deal was denied: it can be ${to} only after a new report of it is recorded`,
      )
    }
    return
  }
  if (to === 'denied' && dealProgressRank[deal.progress] >= dealProgressRank.signed) {
    throw new DomainError(
      dealRules.bindingDealCannotBeDenied,
      `the deal was ${deal.progress}: a denial of a binding deal is recorded as a conflicting report`,
    )
  }
  if (isDealProgress(to) && dealProgressRank[to] < dealProgressRank[deal.progress]) {
    throw new DomainError(
      dealRules.statusCannotGoBack,
      `the deal has reached ${deal.progress}: it cannot go back to ${to}`,
    )
  }
}

/** The events of a command, judged against the deal as it stood on the command's date. */
export function decide(command: DealCommand, state: Deal): DealEvent[] {
  const dealId = command.dealId
  if (command.type === 'RecordDeal') return [{ type: 'DealRecorded', data: { dealId, ...command.data } }]
  if (!state.recorded) throw new DomainError(dealRules.notFound, `no deal ${dealId} is recorded`, 'not-found')
  const provenance = provenanceOf(command.data)
  switch (command.type) {
    case 'ChangeDealStatus': {
      const { status: to, statement, by } = command.data
      // `from` is the status as known on the fact's date when it was recorded.
      const data: DealStatusChangedEvent['data'] = { dealId, from: state.status, ...provenance }
      if (statement !== undefined) data.statement = statement
      if (by !== undefined) data.by = by
      return [{ type: dealStatusEvents[to], data } as DealStatusChangedEvent]
    }
    case 'AmendDeal':
      return [amendment(state, command.data)]
    case 'RecordDealMilestone':
      return [{ type: 'DealMilestoneReached', data: { dealId, milestone: command.data.milestone, ...provenance } }]
    case 'RecordDealReport':
      return [{ type: 'DealReportRecorded', data: { dealId, report: command.data.report, ...provenance } }]
    default: {
      const unexpected: never = command
      throw new Error(`unhandled command ${JSON.stringify(unexpected)}`)
    }
  }
}

/** Only the terms that change, with what they were on the amendment's date. */
function amendment(state: RecordedDeal, body: Extract<DealCommand, { type: 'AmendDeal' }>['data']): DealEvent {
  const terms = state.terms as Record<string, unknown>
  const changed = Object.entries(body.changes).filter(
    ([field, value]) => value !== undefined && !isDeepStrictEqual(terms[field], value),
  )
  if (changed.length === 0) {
    throw new DomainError(dealRules.amendmentChangesNothing, 'every term named already has that value')
  }
  const previous = Object.fromEntries(
    changed.flatMap(([field]) => (terms[field] === undefined ? [] : [[field, terms[field]]])),
  )
  const data = { dealId: state.id, changes: Object.fromEntries(changed), previous, ...provenanceOf(body) }
  return {
    type: 'DealAmended',
    data: body.description === undefined ? data : { ...data, description: body.description },
  }
}

export function retract(command: RetractFact, target: TimelineEntry<DealEvent>): DealEvent {
  return {
    type: 'DealFactRetracted',
    data: {
      dealId: target.event.data.dealId,
      ...retractionOf(command, target),
    },
  }
}

export const dealDecider: Decider<DealCommand, DealEvent, Deal> = { initialState, evolve, decide, check, retract }
