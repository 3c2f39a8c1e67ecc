import { z } from 'zod'

const regionNames = new Intl.DisplayNames(['en'], { type: 'region' })

/** Region codes ICU names that ISO 3166-1 does not assign (reserved, withdrawn or user-assigned). */
const notIso3166 = new Set(
  'AC AN BU CP CQ CS DD DG DY EA EU EZ FX HV IC NH QO RH SU TA TP UK UN VD XA XB XK YD YU ZR ZZ'.split(' '),
)

/** An assigned ISO 3166-1 alpha-2 code: one the ICU region table names, less the ones ISO does not assign. */
export const CountryCode = z
  .string()
  .max(2)
  .regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code in capitals, e.g. "US"')
  // zod runs the refinement even after the regex failed, and ICU throws on a code it cannot parse ("USA", "").
  .refine(
    (code) => !/^[A-Z]{2}$/.test(code) || (!notIso3166.has(code) && regionNames.of(code) !== code),
    'is not an assigned ISO 3166-1 alpha-2 code (the United Kingdom is "GB")',
  )
  .meta({ description: 'ISO 3166-1 alpha-2 country code', examples: ['US', 'TR', 'PK'] })
export type CountryCode = z.infer<typeof CountryCode>

export function countryName(code: string): string {
  return regionNames.of(code) ?? code
}

/** The rare-earth elements: the fifteen lanthanides, yttrium and scandium. */
export const RareEarthElement = z
  .enum(['La', 'Ce', 'Pr', 'Nd', 'Pm', 'Sm', 'Eu', 'Gd', 'Tb', 'Dy', 'Ho', 'Er', 'Tm', 'Yb', 'Lu', 'Y', 'Sc'])
  .meta({ description: 'Rare-earth element symbol (La…Lu, Y, Sc)' })
export type RareEarthElement = z.infer<typeof RareEarthElement>

/** A calendar date that exists (2025-02-30 is refused). */
export const IsoDate = z.iso
  .date()
  .refine((date) => !date.startsWith('0000'), {
    message: 'year 0000 does not exist; the first year is 0001',
    abort: true,
  })
  .meta({ description: 'A calendar date, YYYY-MM-DD', examples: ['2025-09-08'] })

/** Stable, readable ids chosen by the client (`mountain-pass`, `ussm-fwo-2025`). */
export const Slug = z
  .string()
  .min(2)
  .max(80)
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lower-case letters, digits and single hyphens, e.g. "mountain-pass"')
  .meta({ description: 'Stable, readable id', examples: ['mountain-pass'] })

export const Source = z
  .object({
    publisher: z
      .string()
      .min(1)
      .max(200)
      .meta({ description: 'Who published it', examples: ['USGS'] }),
    url: z
      .url({ protocol: /^https?$/, error: 'must be an http or https URL' })
      .max(2000)
      .optional(),
    title: z.string().min(1).max(500).optional(),
    publishedOn: IsoDate.optional(),
  })
  .strict()
  .meta({ id: 'Source', description: 'Where a fact comes from' })
export type Source = z.infer<typeof Source>

/**
 * How far the ledger trusts a fact: `normal` when a source says it, `low` when only a
 * weak or secondary source does. Nothing is recorded as more certain than its source.
 */
/**
 * The steps of the supply chain, one vocabulary for deals, facilities, country shares and
 * concentration: `concentration` = cracking, leaching or concentration to a mixed product;
 * `separation-refining` = separation and refining to individual oxides.
 */
export const SupplyChainStage = z
  .enum(['mining', 'concentration', 'separation-refining', 'metal', 'alloy', 'magnet', 'recycling'])
  .meta({
    id: 'SupplyChainStage',
    description:
      '`concentration`: cracking, leaching or concentration to a mixed product; `separation-refining`: separation and refining to individual oxides',
  })
export type SupplyChainStage = z.infer<typeof SupplyChainStage>

/** The everyday names a client may use for a stage in a query, and the stage each names. */
export const stageSynonyms = {
  cracking: 'concentration',
  separation: 'separation-refining',
  refining: 'separation-refining',
  magnets: 'magnet',
} as const satisfies Record<string, SupplyChainStage>

/** A stage in a query string: the stage's name, or a synonym (`separation` for `separation-refining`). */
export const StageQuery = z
  .enum([...SupplyChainStage.options, ...(Object.keys(stageSynonyms) as Array<keyof typeof stageSynonyms>)])
  .transform(
    (stage): SupplyChainStage =>
      stage in stageSynonyms ? stageSynonyms[stage as keyof typeof stageSynonyms] : (stage as SupplyChainStage),
  )
  .meta({
    description:
      'A supply-chain stage; `separation` and `refining` name `separation-refining`, `cracking` names `concentration`, `magnets` names `magnet`',
  })

/** The law, announcement or ruling a measure rests on, as the source names it. */
export const LegalReference = z.string().min(1).max(500)

export const Confidence = z.enum(['normal', 'low']).meta({ id: 'Confidence' })
export type Confidence = z.infer<typeof Confidence>

/** How much of `effectiveDate` is known: a fact dated only to its year keeps that. */
export const DatePrecision = z.enum(['day', 'month', 'year']).meta({ id: 'DatePrecision' })

/** What every recorded fact carries in its event data. */
export const Provenance = z.object({
  sources: z.array(Source).min(1, 'at least one source is required').max(20),
  confidence: Confidence,
  datePrecision: DatePrecision.optional(),
  note: z.string().min(1).max(2000).optional(),
})
export type Provenance = z.infer<typeof Provenance>

/** The earliest effective date the ledger takes: nothing in this field happened before it. */
export const EARLIEST_EFFECTIVE_DATE = '1800-01-01'

/** When a fact happened in the world: from 1800 on, and at most the horizon ahead (2 years by default). */
export const EffectiveDate = IsoDate.refine(
  (date) => date >= EARLIEST_EFFECTIVE_DATE,
  `must be on or after ${EARLIEST_EFFECTIVE_DATE}`,
).meta({
  description:
    'When it happened in the world (valid time). From 1800-01-01; a date ahead (an announced change) takes effect on its day, at most 2 years ahead by default.',
  examples: ['2025-09-08'],
})

/** What every command body carries besides its own fields. */
export const CommandProvenance = z.object({
  effectiveDate: EffectiveDate,
  datePrecision: DatePrecision.optional(),
  sources: Provenance.shape.sources,
  confidence: Confidence.default('normal'),
  note: Provenance.shape.note,
})
export type CommandProvenance = z.infer<typeof CommandProvenance>

/** What a retraction records besides the aggregate's id: the fact it takes back, and why. */
export const RetractionFields = {
  retractedEventId: z.uuid().meta({ description: 'The event taken back' }),
  retractedType: z
    .string()
    .min(1)
    .max(200)
    .meta({ description: 'Its CloudEvents type', examples: ['ree.deposit.stage-advanced.v2'] }),
  reason: z.string().min(1).max(2000),
  endsLifecycle: z.boolean().optional().meta({
    description:
      "The fact taken back was the entity's creation: every fact recorded before this retraction leaves the timeline with it, and a new recording starts afresh",
  }),
}

/**
 * A fact recorded by mistake is never edited: it is retracted. The retraction has no
 * date of its own in the world; it takes effect from the time it is recorded.
 */
export const RetractFactBody = z
  .object({
    eventId: z
      .uuid()
      .transform((id) => id.toLowerCase())
      .meta({ description: "The id of the event to take back, as the entity's history shows it" }),
    reason: z
      .string()
      .min(1)
      .max(2000)
      .meta({ examples: ['recorded by mistake: the date was a placeholder'] }),
    sources: Provenance.shape.sources,
    confidence: Confidence.default('normal'),
    note: Provenance.shape.note,
  })
  .strict()
  .meta({ id: 'RetractFact' })

/** What every retraction event records of the command and the fact it takes back. */
export function retractionOf(
  command: { data: { eventId: string; reason: string } & Record<string, unknown> },
  target: { eventType: string },
): { retractedEventId: string; retractedType: string; reason: string } & Provenance {
  const { eventId, reason, ...rest } = command.data
  return {
    retractedEventId: eventId,
    retractedType: target.eventType,
    reason,
    ...provenanceOf(rest as Omit<CommandProvenance, 'effectiveDate'>),
  }
}

/** A command's data: its validated body less `effectiveDate`, which rides in the event metadata. */
export type CommandData<Body extends z.ZodType> = Omit<z.output<Body>, 'effectiveDate'>

/** The provenance fields of a command body, as the event records them. */
export function provenanceOf(body: Omit<CommandProvenance, 'effectiveDate'>): Provenance {
  const provenance: Provenance = { sources: body.sources, confidence: body.confidence }
  if (body.datePrecision !== undefined) provenance.datePrecision = body.datePrecision
  if (body.note !== undefined) provenance.note = body.note
  return provenance
}

/** A readable id from a name: "Araxá Project" → "araxa-project"; undefined when nothing usable is left. */
export function slugify(name: string): string | undefined {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/, '')
  return Slug.safeParse(slug).success ? slug : undefined
}

/**
 * The largest amount, value or tonnage the ledger records (a quadrillion): far above
 * any real figure, and low enough that sums of them stay finite.
 */
export const MAX_QUANTITY = 1e15

/**
 * The smallest amount, value or tonnage the ledger records (a millionth: a gram, in
 * tonnes): read models round to it, so a smaller figure would round to zero.
 */
export const MIN_QUANTITY = 1e-6

/** Whether PostgreSQL can store a string in text or jsonb: no U+0000 and no lone UTF-16 surrogate. */
export function storableText(text: string): boolean {
  return !text.includes('\u0000') && text.isWellFormed()
}

/** The same for JSON text, whose escapes (`\\u0000`, `\\ud800`) decode to what PostgreSQL refuses. */
export function storableJsonText(json: string): boolean {
  return storableText(json) && !/\\u0000|\\ud[89a-f][0-9a-f]{2}/i.test(json)
}
