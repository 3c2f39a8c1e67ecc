import {
  type DealEvent,
  type DealProgress,
  type DealStatus,
  type DealTerms,
  dealStatusOfEvent,
  isDealProgress,
  statusSinceOf,
} from '@ree/contracts'

/** What the decider needs to know about a deal to judge the next command. */
export type Deal =
  | { recorded: false }
  | {
      recorded: true
      id: string
      status: DealStatus
      /** When the current status began, where the history says. */
      statusSince?: string
      /** How far along the way from talks to completion the deal has come; stalled and denied keep it. */
      progress: DealProgress
      terms: DealTerms
    }

export const initialState: Deal = { recorded: false }

export function evolve(state: Deal, event: DealEvent): Deal {
  switch (event.type) {
    case 'DealRecorded': {
      const { dealId, status, name, summary, parties, kinds, value, elements, commodities, stages, depositIds } =
        event.data
      const terms: DealTerms = { name, parties, kinds, elements, commodities, stages, depositIds }
      if (summary !== undefined) terms.summary = summary
      if (value !== undefined) terms.value = value
      return { recorded: true, id: dealId, status, progress: status, terms, ...statusSinceOf(event) }
    }
    case 'DealReported':
    case 'DealAnnounced':
    case 'DealMouSigned':
    case 'DealSigned':
    case 'DealTookEffect':
    case 'DealCompleted':
    case 'DealStalled':
    case 'DealTerminated':
    case 'DealDenied': {
      if (!state.recorded) return state
      const status = dealStatusOfEvent(event.type)
      return { ...state, status, progress: isDealProgress(status) ? status : state.progress, ...statusSinceOf(event) }
    }
    case 'DealAmended':
      return state.recorded ? { ...state, terms: applyChanges(state.terms, event.data.changes) } : state
    case 'DealMilestoneReached':
    case 'DealReportRecorded':
      return state
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

export function applyChanges(terms: DealTerms, changes: object): DealTerms {
  const defined = Object.entries(changes).filter(([, value]) => value !== undefined)
  return { ...terms, ...Object.fromEntries(defined) }
}
