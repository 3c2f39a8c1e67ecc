import {
  type AmendDealBody,
  type ChangeDealStatusBody,
  type CommandData,
  type DealEvent,
  type DealStatus,
  type DealStatusChangedEvent,
  DomainError,
  refuseIfDatedBefore,
  dealProgressRank,
  dealStatusEvents,
  isDealProgress,
  provenanceOf,
  type RecordDealBody,
  type RecordDealMilestoneBody,
  type RecordDealReportBody,
} from '@ree/contracts'
import type { Decider } from '@ree/event-store'
import { isDeepStrictEqual } from 'node:util'
import { type Deal, evolve, initialState } from './deal.ts'

/** Commands are the validated bodies, with the deal id resolved. */
export type DealCommand =
  | { type: 'RecordDeal'; dealId: string; data: Omit<CommandData<typeof RecordDealBody>, 'id'>; effectiveDate?: string }
  | { type: 'ChangeDealStatus'; dealId: string; data: CommandData<typeof ChangeDealStatusBody>; effectiveDate?: string }
  | { type: 'AmendDeal'; dealId: string; data: CommandData<typeof AmendDealBody>; effectiveDate?: string }
  | {
      type: 'RecordDealMilestone'
      dealId: string
      data: CommandData<typeof RecordDealMilestoneBody>
      effectiveDate?: string
    }
  | { type: 'RecordDealReport'; dealId: string; data: CommandData<typeof RecordDealReportBody>; effectiveDate?: string }

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
  datedBeforeCurrentStatus: 'dated-before-current-status',
} as const

export function decide(command: DealCommand, state: Deal): DealEvent[] {
  const dealId = command.dealId
  if (command.type === 'RecordDeal') {
    if (state.recorded)
      throw new DomainError(dealRules.alreadyRecorded, `deal ${dealId} is already recorded`, 'conflict')
    return [{ type: 'DealRecorded', data: { dealId, ...command.data } }]
  }
  if (!state.recorded) throw new DomainError(dealRules.notFound, `no deal ${dealId} is recorded`, 'not-found')
  const provenance = provenanceOf(command.data)
  switch (command.type) {
    case 'ChangeDealStatus': {
      refuseIfDatedBefore(command.effectiveDate, state.statusSince, {
        code: dealRules.datedBeforeCurrentStatus,
        current: `the deal has been ${state.status}`,
      })
      const { status: to, statement, by } = command.data
      assertTransition(state, to)
      const data: DealStatusChangedEvent['data'] = { dealId, from: state.status, ...provenance }
      if (statement !== undefined) data.statement = statement
      if (by !== undefined) data.by = by
      return [{ type: dealStatusEvents[to], data } as DealStatusChangedEvent]
    }
    case 'AmendDeal': {
      if (state.status === 'terminated') {
        throw new DomainError(dealRules.terminated, `deal ${dealId} is terminated: its terms are no longer amended`)
      }
      const terms = state.terms as Record<string, unknown>
      const changed = Object.entries(command.data.changes).filter(
        ([field, value]) => value !== undefined && !isDeepStrictEqual(terms[field], value),
      )
      if (changed.length === 0) {
        throw new DomainError(dealRules.amendmentChangesNothing, 'every term named already has that value')
      }
      const previous = Object.fromEntries(
        changed.flatMap(([field]) => (terms[field] === undefined ? [] : [[field, terms[field]]])),
      )
      const data = { dealId, changes: Object.fromEntries(changed), previous, ...provenance }
      return [
        {
          type: 'DealAmended',
          data: command.data.description === undefined ? data : { ...data, description: command.data.description },
        },
      ]
    }
    case 'RecordDealMilestone':
      if (state.status === 'terminated') {
        throw new DomainError(
          dealRules.milestoneOnTerminatedDeal,
          `deal ${dealId} is terminated: it takes no milestones`,
        )
      }
      if (state.status === 'denied') {
        throw new DomainError(
          dealRules.milestoneOnDeniedDeal,
          `deal ${dealId} was denied: record a new report before any milestone`,
        )
      }
      return [{ type: 'DealMilestoneReached', data: { dealId, milestone: command.data.milestone, ...provenance } }]
    case 'RecordDealReport':
      return [{ type: 'DealReportRecorded', data: { dealId, report: command.data.report, ...provenance } }]
    default: {
      const unexpected: never = command
      throw new Error(`unhandled command ${JSON.stringify(unexpected)}`)
    }
  }
}

/** The lifecycle: forward from talks to completion, aside to stalled, terminated or denied, never back. */
function assertTransition(deal: Extract<Deal, { recorded: true }>, to: DealStatus): void {
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

export const dealDecider: Decider<DealCommand, DealEvent, Deal> = { initialState, evolve, decide }
