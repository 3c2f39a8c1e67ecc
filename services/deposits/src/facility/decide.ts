import {
  type BlockFacilityBody,
  type ChangeFacilityStatusBody,
  type CommandData,
  type CorrectFacilityDetailsBody,
  DomainError,
  type FacilityEvent,
  type FacilityStatus,
  facilityStatusMoves,
  type LinkFacilityFeedBody,
  provenanceOf,
  type RegisterFacilityBody,
  type RetractFact,
  retractionOf,
  type StateFacilityCapacityBody,
  type TimelineEntry,
  type UnblockFacilityBody,
  type UnlinkFacilityFeedBody,
} from '@ree/contracts'
import type { Decider } from '@ree/event-store'
import { isDeepStrictEqual } from 'node:util'
import { blockingRules, checkBlocking, checkUnblocking } from '../blocking.ts'
import { evolve, type Facility, initialState, sameSupplier } from './facility.ts'

type Of<Type extends string, Data> = { type: Type; facilityId: string; data: Data }

/** Commands are the validated bodies, with the facility id resolved. */
export type FacilityCommand =
  | Of<'RegisterFacility', Omit<CommandData<typeof RegisterFacilityBody>, 'id'>>
  | Of<'CorrectFacilityDetails', CommandData<typeof CorrectFacilityDetailsBody>>
  | Of<'ChangeFacilityStatus', CommandData<typeof ChangeFacilityStatusBody>>
  | Of<'StateFacilityCapacity', CommandData<typeof StateFacilityCapacityBody>>
  | Of<'LinkFacilityFeed', CommandData<typeof LinkFacilityFeedBody>>
  | Of<'UnlinkFacilityFeed', CommandData<typeof UnlinkFacilityFeedBody>>
  | Of<'BlockFacility', CommandData<typeof BlockFacilityBody>>
  | Of<'UnblockFacility', CommandData<typeof UnblockFacilityBody>>

/** The rule codes a client can branch on (problem `type` `/problems/<code>`). */
export const facilityRules = {
  alreadyRegistered: 'facility-already-registered',
  notFound: 'facility-not-found',
  nothingToCorrect: 'correction-changes-nothing',
  statusUnchanged: 'status-unchanged',
  statusFinal: 'facility-status-final',
  statusMoveNotAllowed: 'facility-status-move-not-allowed',
  feedAlreadyLinked: 'feed-already-linked',
  feedNotLinked: 'feed-not-linked',
  feedLinksItself: 'feed-links-itself',
  capacityStageNotPerformed: 'capacity-stage-not-performed',
  ...blockingRules,
} as const

/** The rules every fact keeps where it stands on the facility's timeline. */
export function check(state: Facility, event: FacilityEvent, effectiveDate: string): void {
  if (event.type === 'FacilityRegistered') {
    if (state.recorded) {
      throw new DomainError(facilityRules.alreadyRegistered, `facility ${state.id} is already registered`, 'conflict')
    }
    return
  }
  // Facts outside a registration (its own was retracted) wait, unjudged, for one.
  if (!state.recorded) return
  switch (event.type) {
    case 'FacilityStatusChanged':
      checkStatusMove(state.status, event.data.status)
      return
    case 'FacilityFeedLinked': {
      const supplier = event.data.supplier
      if (supplier.kind === 'facility' && supplier.id === state.id) {
        throw new DomainError(facilityRules.feedLinksItself, `facility ${state.id} cannot feed itself`)
      }
      if (state.feeds.some((linked) => sameSupplier(linked, supplier))) {
        throw new DomainError(facilityRules.feedAlreadyLinked, `${supplier.kind} ${supplier.id} already feeds it then`)
      }
      return
    }
    case 'FacilityFeedUnlinked': {
      const supplier = event.data.supplier
      if (!state.feeds.some((linked) => sameSupplier(linked, supplier))) {
        throw new DomainError(facilityRules.feedNotLinked, `${supplier.kind} ${supplier.id} does not feed it then`)
      }
      return
    }
    case 'FacilityCapacityStated': {
      const stage = event.data.capacity.stage
      if (stage !== undefined && !state.details.stages.includes(stage)) {
        throw new DomainError(
          facilityRules.capacityStageNotPerformed,
          `the facility performs ${state.details.stages.join(', ')} then, not ${stage}: correct its stages first`,
        )
      }
      return
    }
    case 'FacilityBlocked':
      checkBlocking(`facility ${state.id}`, state.blocking, event.data, effectiveDate)
      return
    case 'FacilityUnblocked':
      checkUnblocking(`facility ${state.id}`, state.blocking, effectiveDate)
      return
    case 'FacilityDetailsCorrected':
    case 'FacilityFactRetracted':
      return
    default: {
      const unexpected: never = event
      throw new Error(`unhandled event ${JSON.stringify(unexpected)}`)
    }
  }
}

function checkStatusMove(from: FacilityStatus, to: FacilityStatus): void {
  if (to === from) throw new DomainError(facilityRules.statusUnchanged, `the facility is already ${to}`)
  const allowed = facilityStatusMoves[from]
  if (allowed.length === 0) {
    throw new DomainError(facilityRules.statusFinal, `the facility is ${from} then: its status moves no further`)
  }
  if (!allowed.includes(to)) {
    throw new DomainError(
      facilityRules.statusMoveNotAllowed,
      `a facility ${from} cannot become ${to}; from ${from} it may become ${allowed.join(', ')}`,
    )
  }
}

/** The events of a command, judged against the facility as it stood on the command's date. */
export function decide(command: FacilityCommand, state: Facility): FacilityEvent[] {
  const facilityId = command.facilityId
  if (command.type === 'RegisterFacility') {
    return [{ type: 'FacilityRegistered', data: { facilityId, ...command.data } }]
  }
  if (!state.recorded) {
    throw new DomainError(facilityRules.notFound, `no facility ${facilityId} is registered`, 'not-found')
  }
  const provenance = provenanceOf(command.data)
  switch (command.type) {
    case 'CorrectFacilityDetails': {
      const changes = Object.fromEntries(
        Object.entries(command.data.changes).filter(
          ([field, value]) => !isDeepStrictEqual(state.details[field as keyof typeof state.details], value),
        ),
      )
      if (Object.keys(changes).length === 0) {
        throw new DomainError(facilityRules.nothingToCorrect, 'every field named already has that value')
      }
      return [{ type: 'FacilityDetailsCorrected', data: { facilityId, changes, ...provenance } }]
    }
    case 'ChangeFacilityStatus':
      return [{ type: 'FacilityStatusChanged', data: { facilityId, status: command.data.status, ...provenance } }]
    case 'StateFacilityCapacity':
      return [{ type: 'FacilityCapacityStated', data: { facilityId, capacity: command.data.capacity, ...provenance } }]
    case 'LinkFacilityFeed':
      return [{ type: 'FacilityFeedLinked', data: { facilityId, supplier: command.data.supplier, ...provenance } }]
    case 'UnlinkFacilityFeed':
      return [{ type: 'FacilityFeedUnlinked', data: { facilityId, supplier: command.data.supplier, ...provenance } }]
    case 'BlockFacility':
      return [{ type: 'FacilityBlocked', data: { facilityId, ...command.data } }]
    case 'UnblockFacility':
      return [{ type: 'FacilityUnblocked', data: { facilityId, ...command.data } }]
    default: {
      const unexpected: never = command
      throw new Error(`unhandled command ${JSON.stringify(unexpected)}`)
    }
  }
}

export function retract(command: RetractFact, target: TimelineEntry<FacilityEvent>): FacilityEvent {
  return {
    type: 'FacilityFactRetracted',
    data: { facilityId: target.event.data.facilityId, ...retractionOf(command, target) },
  }
}

export const facilityDecider: Decider<FacilityCommand, FacilityEvent, Facility> = {
  initialState,
  evolve,
  decide,
  check,
  retract,
}
