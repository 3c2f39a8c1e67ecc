import {
  type CommandData,
  DomainError,
  type ExpandRestrictionBody,
  type ImposeRestrictionBody,
  type LiftRestrictionBody,
  provenanceOf,
  retractionOf,
  type ReinstateRestrictionBody,
  type RestrictionEvent,
  type RetractFact,
  type SuspendRestrictionBody,
  type TimelineEntry,
  type TradeFlowEvent,
} from '@ree/contracts'
import type { Decider } from '@ree/event-store'
import { evolve, initialState, isSuspendedOn, type Restriction } from './restriction.ts'

type Of<Type extends string, Data> = { type: Type; restrictionId: string; data: Data }

/** Commands are the validated bodies, with the restriction id resolved. */
export type RestrictionCommand =
  | Of<'ImposeRestriction', Omit<CommandData<typeof ImposeRestrictionBody>, 'id'>>
  | Of<'ExpandRestriction', CommandData<typeof ExpandRestrictionBody>>
  | Of<'SuspendRestriction', CommandData<typeof SuspendRestrictionBody>>
  | Of<'ReinstateRestriction', CommandData<typeof ReinstateRestrictionBody>>
  | Of<'LiftRestriction', CommandData<typeof LiftRestrictionBody>>

/** The rule codes a client can branch on (problem `type` `/problems/<code>`). */
export const restrictionRules = {
  alreadyImposed: 'restriction-already-imposed',
  notFound: 'restriction-not-found',
  tariffRate: 'tariff-rate-mismatch',
  lifted: 'restriction-lifted',
  expansionAddsNothing: 'expansion-adds-nothing',
  alreadySuspended: 'restriction-already-suspended',
  notSuspended: 'restriction-not-suspended',
} as const

/**
 * The rules every fact keeps where it stands on the restriction's timeline. A suspension
 * with an end date lapses after its last day, so the fact's own date says whether it is still suspended.
 */
export function check(state: Restriction, event: TradeFlowEvent, effectiveDate: string): void {
  if (event.type === 'RestrictionImposed') {
    if (state.recorded) {
      throw new DomainError(restrictionRules.alreadyImposed, `restriction ${state.id} is already recorded`, 'conflict')
    }
    return
  }
  // Facts outside an imposition (its own was retracted) wait, unjudged, for one.
  if (!state.recorded) return
  if (event.type === 'RestrictionFactRetracted') return
  if (state.status === 'lifted') {
    throw new DomainError(restrictionRules.lifted, `restriction ${state.id} was lifted: record a new one instead`)
  }
  const suspended = isSuspendedOn(state, effectiveDate)
  switch (event.type) {
    case 'RestrictionSuspended':
      // A suspension with a new end date extends or renews one.
      if (suspended && (event.data.until === undefined || event.data.until === state.suspendedUntil)) {
        throw new DomainError(
          restrictionRules.alreadySuspended,
          `restriction ${state.id} is already suspended${state.suspendedUntil ? ` until ${state.suspendedUntil}` : ''}: give a new \`until\` to extend or renew it`,
        )
      }
      return
    case 'RestrictionReinstated':
      if (!suspended) {
        const lapsed = state.status === 'suspended' ? ` (its suspension ended on ${state.suspendedUntil})` : ''
        throw new DomainError(
          restrictionRules.notSuspended,
          `restriction ${state.id} is in force on ${effectiveDate}, not suspended${lapsed}`,
        )
      }
      return
    case 'RestrictionExpanded':
    case 'RestrictionLifted':
    case 'ShipmentRecorded':
    case 'ShipmentShipped':
    case 'ShipmentDelivered':
    case 'ShipmentCancelled':
    case 'ShipmentQuantityDisclosed':
    case 'ShipmentFactRetracted':
      return
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

/** The events of a command, judged against the restriction as it stood on the command's date. */
export function decide(command: RestrictionCommand, state: Restriction): RestrictionEvent[] {
  const restrictionId = command.restrictionId
  if (command.type === 'ImposeRestriction') {
    const { kind, tariffRatePercent } = command.data
    if ((kind === 'tariff') !== (tariffRatePercent !== undefined && tariffRatePercent > 0)) {
      throw new DomainError(restrictionRules.tariffRate, 'a tariff carries a positive rate, and only a tariff does')
    }
    return [{ type: 'RestrictionImposed', data: { restrictionId, ...command.data } }]
  }
  if (!state.recorded) {
    throw new DomainError(restrictionRules.notFound, `no restriction ${restrictionId} is recorded`, 'not-found')
  }
  const provenance = provenanceOf(command.data)
  const legalReference =
    command.data.legalReference === undefined ? {} : { legalReference: command.data.legalReference }
  switch (command.type) {
    case 'ExpandRestriction': {
      const addedElements = state.elements.length === 0 ? [] : newOnly(command.data.addElements, state.elements)
      const addedForms = state.forms.length === 0 ? [] : newOnly(command.data.addForms, state.forms)
      if (addedElements.length + addedForms.length === 0) {
        throw new DomainError(
          restrictionRules.expansionAddsNothing,
          'the restriction already covers every element and form named',
        )
      }
      return [
        {
          type: 'RestrictionExpanded',
          data: { restrictionId, addedElements, addedForms, ...legalReference, ...provenance },
        },
      ]
    }
    case 'SuspendRestriction': {
      const until = command.data.until === undefined ? {} : { until: command.data.until }
      return [{ type: 'RestrictionSuspended', data: { restrictionId, ...until, ...legalReference, ...provenance } }]
    }
    case 'ReinstateRestriction':
      return [{ type: 'RestrictionReinstated', data: { restrictionId, ...legalReference, ...provenance } }]
    case 'LiftRestriction':
      return [{ type: 'RestrictionLifted', data: { restrictionId, ...legalReference, ...provenance } }]
    default: {
      const unexpected: never = command
      throw new Error(`unhandled command ${JSON.stringify(unexpected)}`)
    }
  }
}

function newOnly<Value>(candidates: readonly Value[], covered: readonly Value[]): Value[] {
  return [...new Set(candidates)].filter((candidate) => !covered.includes(candidate))
}

export function retract(command: RetractFact, target: TimelineEntry<TradeFlowEvent>): TradeFlowEvent {
  const data = target.event.data
  if (!('restrictionId' in data)) throw new Error(`${target.eventType} is not a restriction's event`)
  return {
    type: 'RestrictionFactRetracted',
    data: {
      restrictionId: data.restrictionId,
      ...retractionOf(command, target),
    },
  }
}

export const restrictionDecider: Decider<RestrictionCommand, TradeFlowEvent, Restriction> = {
  initialState,
  evolve,
  decide,
  check,
  retract,
}
