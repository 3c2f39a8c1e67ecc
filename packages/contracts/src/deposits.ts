import { z } from 'zod'
import { defineEvent, defineUpcaster, type ContextDefinition, type DomainEventOf } from './catalog.ts'
import { blockBody, blockingFields, unblockBody, unblockingFields } from './blockings.ts'
import { defineCommandRoutes } from './commandRoutes.ts'
import {
  CommandProvenance,
  CountryCode,
  IsoDate,
  MAX_QUANTITY,
  MIN_QUANTITY,
  Provenance,
  RareEarthElement,
  RetractFactBody,
  RetractionFields,
  Slug,
} from './common.ts'

export const DepositStage = z
  .enum([
    'discovered',
    'exploration',
    'feasibility',
    'permitting',
    'construction',
    'production',
    'care-and-maintenance',
    'closed',
  ])
  .meta({ id: 'DepositStage', description: 'How far a deposit has come' })
export type DepositStage = z.infer<typeof DepositStage>

/** The lifecycle order: a move to a later stage is an advance, to an earlier one a reversal. */
export const depositStageRank: Record<DepositStage, number> = {
  discovered: 0,
  exploration: 1,
  feasibility: 2,
  permitting: 3,
  construction: 4,
  production: 5,
  'care-and-maintenance': 6,
  closed: 7,
}

export const Operator = z
  .object({
    name: z.string().min(1).max(200),
    role: z.enum(['operator', 'owner', 'partner']).default('operator'),
    sharePercent: z.number().gt(0).max(100).optional(),
  })
  .strict()
  .meta({ id: 'Operator' })

export const ElementGrade = z
  .object({
    element: RareEarthElement,
    gradePercent: z.number().gt(0).max(100).optional(),
    basis: z
      .enum(['share-of-treo', 'of-ore'])
      .optional()
      .meta({ description: '`share-of-treo`: the share of total rare-earth oxide; `of-ore`: grade in the ore' }),
  })
  .strict()
  .meta({ id: 'ElementGrade' })

export const Coordinates = z
  .object({ lat: z.number().min(-90).max(90), lon: z.number().min(-180).max(180) })
  .strict()
  .meta({ id: 'Coordinates' })

const uniqueElements = (elements: Array<{ element: string }>) =>
  new Set(elements.map((entry) => entry.element)).size === elements.length

/** The details a deposit is described by; on a correction, each is optional and none has a default. */
const depositDetailFields = {
  name: z.string().trim().min(1).max(200),
  country: CountryCode,
  region: z.string().min(1).max(200).optional(),
  coordinates: Coordinates.optional(),
  depositType: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ examples: ['carbonatite (bastnäsite)'] }),
  elements: z.array(ElementGrade).max(17).refine(uniqueElements, 'each element may appear once'),
  coProducts: z
    .array(z.string().min(1).max(100))
    .max(20)
    .meta({ examples: [['Th', 'fluorite', 'barite']] }),
}

export const DepositDetails = z.object({
  ...depositDetailFields,
  elements: depositDetailFields.elements.default([]),
  coProducts: depositDetailFields.coProducts.default([]),
})

export const DepositDetailChanges = z.object(depositDetailFields).partial().strict()

export const ResourceEstimate = z
  .object({
    category: z.enum(['resource', 'reserve']),
    classification: z
      .enum([
        'measured',
        'indicated',
        'inferred',
        'measured-indicated',
        'measured-indicated-inferred',
        'proved',
        'probable',
        'proved-probable',
        'unclassified',
      ])
      .default('unclassified'),
    oreTonnes: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY).optional(),
    oreTonnesMax: z
      .number()
      .min(MIN_QUANTITY)
      .max(MAX_QUANTITY)
      .optional()
      .meta({ description: 'Upper end where the source gives a range' }),
    treoGradePercent: z.number().gt(0).max(100).optional(),
    treoGradePercentMax: z.number().gt(0).max(100).optional(),
    containedTreoTonnes: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY).optional(),
    bound: z
      .enum(['exact', 'approximately', 'at-least'])
      .default('exact')
      .meta({ description: 'How the source states the figure: ">100 Mt" is `at-least`, "~12.5 Mt" `approximately`' }),
    reportingCode: z.enum(['JORC', 'NI 43-101', 'S-K 1300', 'other']).optional(),
  })
  .strict()
  .refine((estimate) => estimate.oreTonnes !== undefined || estimate.containedTreoTonnes !== undefined, {
    message: 'give oreTonnes or containedTreoTonnes',
    path: ['oreTonnes'],
  })
  .refine((estimate) => !estimate.oreTonnesMax || (estimate.oreTonnes ?? 0) <= estimate.oreTonnesMax, {
    message: 'oreTonnesMax is below oreTonnes',
    path: ['oreTonnesMax'],
  })
  .refine(
    (estimate) => !estimate.treoGradePercentMax || (estimate.treoGradePercent ?? 0) <= estimate.treoGradePercentMax,
    { message: 'treoGradePercentMax is below treoGradePercent', path: ['treoGradePercentMax'] },
  )
  .meta({ id: 'ResourceEstimate' })

export const ProductionReport = z
  .object({
    periodStart: IsoDate,
    periodEnd: IsoDate,
    quantityTonnes: z.number().min(MIN_QUANTITY).max(MAX_QUANTITY),
    basis: z.enum(['REO', 'concentrate', 'ore', 'oxide', 'metal']),
  })
  .strict()
  .refine((report) => report.periodStart <= report.periodEnd, {
    message: 'periodEnd is before periodStart',
    path: ['periodEnd'],
  })
  .meta({ id: 'ProductionReport' })

const DepositRef = z.object({ depositId: Slug })

export const DepositRegistered = defineEvent(
  'DepositRegistered',
  'ree.deposit.registered.v1',
  DepositRef.extend(DepositDetails.shape)
    .extend({ operators: z.array(Operator).max(10), stage: DepositStage })
    .extend(Provenance.shape),
)
export const DepositDetailsCorrected = defineEvent(
  'DepositDetailsCorrected',
  'ree.deposit.details-corrected.v1',
  DepositRef.extend({ changes: DepositDetailChanges }).extend(Provenance.shape),
)
export const ResourceEstimatePublished = defineEvent(
  'ResourceEstimatePublished',
  'ree.deposit.resource-estimate-published.v1',
  DepositRef.extend({ estimate: ResourceEstimate }).extend(Provenance.shape),
)
/**
 * v1 named the stage it moved from. Since facts take their place in valid time, the
 * stage before is the timeline's, not the event's: v2 names only the stage reached.
 */
export const DepositStageAdvancedV1 = defineEvent(
  'DepositStageAdvanced',
  'ree.deposit.stage-advanced.v1',
  DepositRef.extend({ from: DepositStage, to: DepositStage }).extend(Provenance.shape),
)
export const DepositStageReversedV1 = defineEvent(
  'DepositStageReversed',
  'ree.deposit.stage-reversed.v1',
  DepositRef.extend({ from: DepositStage, to: DepositStage, reason: z.string().min(1).max(2000) }).extend(
    Provenance.shape,
  ),
)
export const DepositStageAdvanced = defineEvent(
  'DepositStageAdvanced',
  'ree.deposit.stage-advanced.v2',
  DepositRef.extend({ stage: DepositStage }).extend(Provenance.shape),
)
export const DepositStageReversed = defineEvent(
  'DepositStageReversed',
  'ree.deposit.stage-reversed.v2',
  DepositRef.extend({ stage: DepositStage, reason: z.string().min(1).max(2000) }).extend(Provenance.shape),
)
export const ProductionReported = defineEvent(
  'ProductionReported',
  'ree.deposit.production-reported.v1',
  DepositRef.extend({ production: ProductionReport }).extend(Provenance.shape),
)
export const DepositOperatorsChanged = defineEvent(
  'DepositOperatorsChanged',
  'ree.deposit.operators-changed.v1',
  DepositRef.extend({ operators: z.array(Operator).max(10), previous: z.array(Operator) }).extend(Provenance.shape),
)

export const DepositBlocked = defineEvent(
  'DepositBlocked',
  'ree.deposit.blocked.v1',
  DepositRef.extend(blockingFields).extend(Provenance.shape),
)
export const DepositUnblocked = defineEvent(
  'DepositUnblocked',
  'ree.deposit.unblocked.v1',
  DepositRef.extend(unblockingFields).extend(Provenance.shape),
)

export const DepositFactRetracted = defineEvent(
  'DepositFactRetracted',
  'ree.deposit.fact-retracted.v1',
  DepositRef.extend(RetractionFields).extend(Provenance.shape),
)

/** v1 stage events read as v2: the stage reached is `to`; the recorded `from` is left to the timeline. */
const stageReached = ({ from: _from, to, ...rest }: Record<string, unknown>) => ({ ...rest, stage: to })

export const depositsContext = {
  name: 'deposits',
  source: '/ree/deposits',
  topic: 'ree.deposits.events.v1',
  schema: 'deposits',
  events: [
    DepositRegistered,
    DepositDetailsCorrected,
    ResourceEstimatePublished,
    DepositStageAdvanced,
    DepositStageReversed,
    ProductionReported,
    DepositOperatorsChanged,
    DepositBlocked,
    DepositUnblocked,
    DepositFactRetracted,
  ],
  upcasters: [
    defineUpcaster(DepositStageAdvancedV1, DepositStageAdvanced, stageReached),
    defineUpcaster(DepositStageReversedV1, DepositStageReversed, stageReached),
  ],
} as const satisfies ContextDefinition

export type DepositEvent = DomainEventOf<(typeof depositsContext.events)[number]>

// Command bodies, as clients send them.

const atLeastOneChange = (changes: object) => Object.keys(changes).length > 0

export const RegisterDepositBody = DepositDetails.extend({
  id: Slug.optional().meta({ description: 'Chosen by the client; generated from the name when absent' }),
  operators: z.array(Operator).max(10).default([]),
  stage: DepositStage.default('discovered'),
})
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'RegisterDeposit' })

export const CorrectDepositDetailsBody = z
  .object({
    changes: DepositDetailChanges.refine(atLeastOneChange, 'name at least one field to correct'),
  })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'CorrectDepositDetails' })

export const PublishResourceEstimateBody = z
  .object({ estimate: ResourceEstimate })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'PublishResourceEstimate' })

export const AdvanceDepositStageBody = z
  .object({ stage: DepositStage })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'AdvanceDepositStage' })

export const ReverseDepositStageBody = z
  .object({ stage: DepositStage, reason: z.string().min(1).max(2000) })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'ReverseDepositStage' })

export const ReportProductionBody = z
  .object({ production: ProductionReport })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'ReportProduction' })

export const ChangeDepositOperatorsBody = z
  .object({ operators: z.array(Operator).min(1).max(10) })
  .extend(CommandProvenance.shape)
  .strict()
  .meta({ id: 'ChangeDepositOperators' })

export const BlockDepositBody = blockBody('BlockDeposit')
export const UnblockDepositBody = unblockBody('UnblockDeposit')

export const depositCommandRoutes = defineCommandRoutes([
  {
    name: 'RegisterDeposit',
    path: '/deposits',
    body: RegisterDepositBody,
    summary: 'Register a deposit',
    description:
      'Records a deposit with its details and the stage it has reached. `id` is generated from the name when absent.',
    creates: true,
  },
  {
    name: 'CorrectDepositDetails',
    path: '/deposits/:id/corrections',
    body: CorrectDepositDetailsBody,
    summary: "Correct a deposit's details",
  },
  {
    name: 'PublishResourceEstimate',
    path: '/deposits/:id/resource-estimates',
    body: PublishResourceEstimateBody,
    summary: 'Record a published resource or reserve estimate',
    description:
      'Estimates accumulate: a new one never overwrites an earlier one, and disagreeing figures stand side by side.',
  },
  {
    name: 'AdvanceDepositStage',
    path: '/deposits/:id/stage-advances',
    body: AdvanceDepositStageBody,
    summary: 'Advance the deposit to a later lifecycle stage',
    description:
      'Moving to an earlier stage is refused (422 `/problems/stage-reversal-required`): use stage-reversals.',
  },
  {
    name: 'ReverseDepositStage',
    path: '/deposits/:id/stage-reversals',
    body: ReverseDepositStageBody,
    summary: 'Move the deposit back to an earlier stage, with the reason',
  },
  {
    name: 'ReportProduction',
    path: '/deposits/:id/production-reports',
    body: ReportProductionBody,
    summary: 'Record reported production for a period',
  },
  {
    name: 'ChangeDepositOperators',
    path: '/deposits/:id/operator-changes',
    body: ChangeDepositOperatorsBody,
    summary: "Replace the deposit's operators",
  },
  {
    name: 'BlockDeposit',
    path: '/deposits/:id/blockings',
    body: BlockDepositBody,
    summary: 'Record that a law, regulator or court blocks or suspends the project',
    description:
      'Dated the day the blocking takes effect. The stage stays where it was (a blocked project is still at permitting, say); the deposit reads `blocked` from that date until it is unblocked or, for a suspension with `until`, until the day after its last. Refused with 422 `/problems/already-blocked` while a blocking stands on that date (a suspension may be renewed with a new `until`).',
  },
  {
    name: 'UnblockDeposit',
    path: '/deposits/:id/unblockings',
    body: UnblockDepositBody,
    summary: 'Record that the blocking was lifted',
    description:
      'Refused with 422 `/problems/not-blocked` when no blocking stands on that date (a suspension past its `until` has already lapsed).',
  },
  {
    name: 'RetractFact',
    path: '/deposits/:id/retractions',
    operationId: 'retractDepositFact',
    body: RetractFactBody,
    summary: 'Retract a fact recorded by mistake',
    description:
      'Takes back one event of the deposit (its `eventId` from the history). From now on the fact is out of the timeline; read with `recordedAsOf` before now, it is still there, and the history shows both. Refused with 422 when the timeline without it would break a rule; retracting the registration takes the deposit out of current reads.',
  },
])
export type DepositCommandName = (typeof depositCommandRoutes)[number]['name']
