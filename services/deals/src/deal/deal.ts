import {
  type DealEvent,
  type DealProgress,
  type DealStatus,
  type DealTerms,
  dealStatusOfEvent,
  isDealProgress,
} from '@ree/contracts'

/** What the decider needs to know about a deal, as of a date, to judge a fact on it. */
export type Deal =
  | { recorded: false }
  | {
      recorded: true
      id: string
      status: DealStatus
      /** How far along the way from talks to completion the deal has come; stalled and denied keep it. */
      progress: DealProgress
      terms: DealTerms
    }

export const initialState: Deal = { recorded: false }

/** One step along the deal's timeline (valid time); facts before its recording change nothing. */
export function evolve(state: Deal, event: DealEvent): Deal {
  if (event.type === 'DealRecorded') {
    const { dealId, status, name, summary, parties, kinds, value, elements, commodities, stages, depositIds } =
      event.data
    const terms: DealTerms = {
      name,
      parties,
      kinds,
      elements,
      commodities,
      stages,
      depositIds,
      facilityIds: event.data.facilityIds,
    }
    if (summary !== undefined) terms.summary = summary
    if (value !== undefined) terms.value = value
    return { recorded: true, id: dealId, status, progress: status, terms }
  }
  if (!state.recorded) return state
  switch (event.type) {
    case 'DealReported':
    case 'DealAnnounced':
    case 'DealMouSigned':
    case 'DealSigned':
    case 'DealTookEffect':
    case 'DealCompleted':
    case 'DealStalled':
    case 'DealTerminated':
    case 'DealDenied': {
      const status = dealStatusOfEvent(event.type)
      return { ...state, status, progress: isDealProgress(status) ? status : state.progress }
    }
    case 'DealAmended':
      return { ...state, terms: applyChanges(state.terms, event.data.changes) }
    case 'DealMilestoneReached':
    case 'DealReportRecorded':
    case 'DealFactRetracted':
      return state
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

function applyChanges(terms: DealTerms, changes: object): DealTerms {
  const defined = Object.entries(changes).filter(([, value]) => value !== undefined)
  return { ...terms, ...Object.fromEntries(defined) }
}
