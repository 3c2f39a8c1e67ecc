import { IsoDate } from '@ree/contracts'
import { z } from 'zod'
import { PageQuery } from './cursor.ts'

/** Both kinds of "as of": what was true in the world on a date, and what the ledger knew at a time. */
export const TemporalQuery = z.object({
  asOf: IsoDate.optional().meta({
    description:
      'Valid time: the state as it stood on this date (default: today, so facts dated ahead wait for their day)',
  }),
  recordedAsOf: z.iso
    .datetime({ offset: true })
    .refine(
      (instant) => Date.parse(instant) >= Date.parse('0001-01-01T00:00:00Z'),
      'must be in year 0001 or later, in UTC (year 0000 does not exist)',
    )
    .optional()
    .meta({ description: 'Record time: only what the ledger had recorded (and not yet retracted) by this instant' }),
})
export type TemporalQuery = z.output<typeof TemporalQuery>

/** An entity's history: a page of its events, filtered by both times. */
export const HistoryQuery = PageQuery.extend(TemporalQuery.shape)
export type HistoryQuery = z.output<typeof HistoryQuery>

/** Today in UTC: the valid date of a read that names none. */
export function today(): string {
  return new Date().toISOString().slice(0, 10)
}

/** The point of a read in both times, with only the fields that are set. */
export function readAt(query: TemporalQuery): { today: string; asOf?: string; recordedAsOf?: string } {
  return {
    today: today(),
    ...(query.asOf === undefined ? {} : { asOf: query.asOf }),
    ...(query.recordedAsOf === undefined ? {} : { recordedAsOf: new Date(query.recordedAsOf).toISOString() }),
  }
}

/** The last day a date can name: nothing lapses after it. */
export const LAST_DAY = '9999-12-31'

export function dayAfter(date: string): string {
  const next = new Date(`${date}T00:00:00Z`)
  next.setUTCDate(next.getUTCDate() + 1)
  return next.toISOString().slice(0, 10)
}

/** Only the two times of a query that may carry others (a detail read's `minVersion`, a list's filters). */
export function temporalOnly(query: TemporalQuery): TemporalQuery {
  return {
    ...(query.asOf === undefined ? {} : { asOf: query.asOf }),
    ...(query.recordedAsOf === undefined ? {} : { recordedAsOf: query.recordedAsOf }),
  }
}
