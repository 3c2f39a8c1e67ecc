import {
  type CommandData,
  DomainError,
  refuseIfDatedBefore,
  type ExpandRestrictionBody,
  type ImposeRestrictionBody,
  type LiftRestrictionBody,
  provenanceOf,
  type ReinstateRestrictionBody,
  type RestrictionEvent,
  type SuspendRestrictionBody,
  type TradeFlowEvent,
} from '@ree/contracts'
import type { Decider } from '@ree/event-store'
import { evolve, initialState, type Restriction } from './restriction.ts'

/** Commands are the validated bodies, with the restriction id resolved. */
export type RestrictionCommand =
  | {
      type: 'ImposeRestriction'
      restrictionId: string
      data: Omit<CommandData<typeof ImposeRestrictionBody>, 'id'>
      effectiveDate?: string
    }
  | {
      type: 'ExpandRestriction'
      restrictionId: string
      data: CommandData<typeof ExpandRestrictionBody>
      effectiveDate?: string
    }
  | {
      type: 'SuspendRestriction'
      restrictionId: string
      data: CommandData<typeof SuspendRestrictionBody>
      effectiveDate?: string
    }
  | {
      type: 'ReinstateRestriction'
      restrictionId: string
      data: CommandData<typeof ReinstateRestrictionBody>
      effectiveDate?: string
    }
  | {
      type: 'LiftRestriction'
      restrictionId: string
      data: CommandData<typeof LiftRestrictionBody>
      effectiveDate?: string
    }

/** The rule codes a client can branch on (problem `type` `/problems/<code>`). */
export const restrictionRules = {
  alreadyImposed: 'restriction-already-imposed',
  notFound: 'restriction-not-found',
  tariffRate: 'tariff-rate-mismatch',
  lifted: 'restriction-lifted',
  expansionAddsNothing: 'expansion-adds-nothing',
  alreadySuspended: 'restriction-already-suspended',
  notSuspended: 'restriction-not-suspended',
  datedBeforeCurrentStatus: 'dated-before-current-status',
} as const

export function decide(command: RestrictionCommand, state: Restriction): RestrictionEvent[] {
  const restrictionId = command.restrictionId
  if (command.type === 'ImposeRestriction') {
    if (state.status !== 'unrecorded') {
      throw new DomainError(
        restrictionRules.alreadyImposed,
        `restriction ${restrictionId} is already recorded`,
        'conflict',
      )
    }
    const { kind, tariffRatePercent } = command.data
    if ((kind === 'tariff') !== (tariffRatePercent !== undefined && tariffRatePercent > 0)) {
      throw new DomainError(restrictionRules.tariffRate, 'a tariff carries a positive rate, and only a tariff does')
    }
    return [{ type: 'RestrictionImposed', data: { restrictionId, ...command.data } }]
  }
  if (state.status === 'unrecorded') {
    throw new DomainError(restrictionRules.notFound, `no restriction ${restrictionId} is recorded`, 'not-found')
  }
  if (state.status === 'lifted') {
    throw new DomainError(restrictionRules.lifted, `restriction ${restrictionId} was lifted: record a new one instead`)
  }
  // An expansion does not change the status: like a disclosure, it may be learned late.
  if (command.type !== 'ExpandRestriction') {
    refuseIfDatedBefore(command.effectiveDate, state.statusSince, {
      code: restrictionRules.datedBeforeCurrentStatus,
      current: `the restriction has been ${state.status}`,
    })
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
      // A suspension with a new end date extends or renews one (also after it has lapsed).
      if (
        state.status === 'suspended' &&
        (command.data.until === undefined || command.data.until === state.suspendedUntil)
      ) {
        throw new DomainError(
          restrictionRules.alreadySuspended,
          `restriction ${restrictionId} is already suspended${state.suspendedUntil ? ` until ${state.suspendedUntil}` : ''}: give a new \`until\` to extend or renew it`,
        )
      }
      const until = command.data.until === undefined ? {} : { until: command.data.until }
      return [{ type: 'RestrictionSuspended', data: { restrictionId, ...until, ...legalReference, ...provenance } }]
    }
    case 'ReinstateRestriction':
      if (state.status !== 'suspended') {
        throw new DomainError(restrictionRules.notSuspended, `restriction ${restrictionId} is in force, not suspended`)
      }
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

export const restrictionDecider: Decider<RestrictionCommand, TradeFlowEvent, Restriction> = {
  initialState,
  evolve,
  decide,
}
