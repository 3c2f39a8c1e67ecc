import { type CloudEvent, Confidence, countryName, DatePrecision, IsoDate, Source } from '@ree/contracts'
import { z } from 'zod'

/** The date, sources and confidence every recorded change carries in a view. */
export const Fact = z.object({
  effectiveDate: IsoDate,
  datePrecision: DatePrecision.optional(),
  sources: z.array(Source),
  confidence: Confidence,
  note: z.string().optional(),
  recordedAt: z.string().meta({ description: 'When the ledger learned it' }),
})
export type Fact = z.output<typeof Fact>

export function factOf(
  event: CloudEvent,
  data: { sources: Source[]; confidence: Confidence; datePrecision?: string | undefined; note?: string | undefined },
): Fact {
  const fact: Fact = {
    effectiveDate: event.effectivedate,
    sources: data.sources,
    confidence: data.confidence,
    recordedAt: event.time,
  }
  if (data.datePrecision !== undefined) fact.datePrecision = data.datePrecision as z.output<typeof DatePrecision>
  if (data.note !== undefined) fact.note = data.note
  return fact
}

/** The value of each named key that is set, leaving out the ones that are undefined. */
export function definedFields<Value extends object, Key extends keyof Value>(
  value: Value,
  keys: readonly Key[],
): Partial<Pick<Value, Key>> {
  const picked: Partial<Pick<Value, Key>> = {}
  for (const key of keys) if (value[key] !== undefined) picked[key] = value[key]
  return picked
}

/** Where a view's coordinates come from: the fact that placed it. */
export const CoordinatesFact = Fact.meta({
  id: 'CoordinatesFact',
  description: 'The fact that gave the coordinates: its date, sources and confidence',
})

/**
 * A view with a correction's fields applied (those it sets), its country's name kept in
 * step, and, when it moves the coordinates, the correction as their fact.
 */
export function withCorrections<View extends { country: string; countryName: string; coordinatesFact?: unknown }>(
  view: View,
  changes: { coordinates?: unknown },
  knowledge: { version: number; lastRecordedAt: string },
  fact: Fact,
): View {
  const set = Object.fromEntries(Object.entries(changes).filter(([, value]) => value !== undefined))
  const next = { ...view, ...set, ...knowledge, countryName: countryName(String(set.country ?? view.country)) }
  return changes.coordinates === undefined ? next : { ...next, coordinatesFact: fact }
}
