import {
  CountryCode,
  IsoDate,
  MaterialForm,
  RareEarthElement,
  RestrictionKind,
  RestrictionStatus,
} from '@ree/contracts'
import type pg from 'pg'
import { z } from 'zod'
import { decodeCursor, encodeCursor, PageQuery } from '../cursor.ts'
import { isTemporal, TemporalQuery } from '../temporal.ts'
import { foldAllViews, getView, hasHistory, historyPage, viewVersion } from '../versioned-view.ts'
import { restrictionViews } from './projection.ts'
import { inForceOn, type RestrictionView } from './restriction-view.ts'

type Queryable = pg.Pool | pg.ClientBase

export const RestrictionFilters = z.object({
  origin: CountryCode.optional().meta({ description: 'The country the restricted material leaves' }),
  destination: CountryCode.optional().meta({ description: 'Restrictions that target this country, or every country' }),
  element: RareEarthElement.optional().meta({ description: 'Restrictions that name this element, or name none' }),
  form: MaterialForm.optional().meta({ description: 'Restrictions that name this form, or name none' }),
  kind: RestrictionKind.optional(),
  status: RestrictionStatus.optional(),
  actor: z.string().min(1).max(200).optional().meta({ description: "Part of the actor's name, any case" }),
  dateFrom: IsoDate.optional().meta({ description: 'Only those that took effect on or after this day' }),
  dateTo: IsoDate.optional().meta({ description: 'Only those that took effect on or before this day' }),
})
type RestrictionFilters = z.output<typeof RestrictionFilters>

export const InForceQuery = z.object({
  inForceOn: IsoDate.optional().meta({
    description:
      'Only the restrictions in force that day, each as it stood then, answered from the dated events. Sets the valid time, so it cannot be combined with `asOf`.',
  }),
})

export const RestrictionListQuery = RestrictionFilters.extend(InForceQuery.shape)
  .extend(PageQuery.shape)
  .extend(TemporalQuery.shape)
  .refine((query) => query.inForceOn === undefined || query.asOf === undefined, {
    message: 'give inForceOn or asOf, not both',
    path: ['inForceOn'],
  })
export type RestrictionListQuery = z.output<typeof RestrictionListQuery>

const IdCursor = z.object({ id: z.string() })

export async function listRestrictions(db: Queryable, query: RestrictionListQuery) {
  const after = query.cursor ? decodeCursor(IdCursor, query.cursor).id : ''
  let views: RestrictionView[]
  if (query.inForceOn !== undefined) {
    const day = query.inForceOn
    views = (await foldAllViews(db, restrictionViews, { asOf: day, ...recordTime(query) }))
      .filter((view) => view.id > after && inForceOn(view, day) && restrictionMatches(view, query))
      .map((view) => ({ ...view, inForce: true }))
  } else if (isTemporal(query)) {
    views = (await foldAllViews(db, restrictionViews, query)).filter(
      (view) => view.id > after && restrictionMatches(view, query),
    )
  } else {
    views = await selectRestrictions(db, query, after)
  }
  const page = views.slice(0, query.limit)
  const last = page.at(-1)
  return { items: page, nextCursor: views.length > query.limit && last ? encodeCursor({ id: last.id }) : null }
}

function recordTime(query: TemporalQuery): TemporalQuery {
  return query.recordedAsOf === undefined ? {} : { recordedAsOf: query.recordedAsOf }
}

export async function getRestriction(
  db: Queryable,
  id: string,
  query: TemporalQuery = {},
): Promise<RestrictionView | undefined> {
  return getView(db, restrictionViews, id, query)
}

/** The version the read model has reached for a restriction (0 when unknown): for read-your-writes. */
export async function restrictionVersion(db: Queryable, id: string): Promise<number> {
  return viewVersion(db, restrictionViews, id)
}

export async function restrictionExists(db: Queryable, id: string): Promise<boolean> {
  return hasHistory(db, restrictionViews, id)
}

/** A restriction's events, in stream order, as CloudEvents. */
export async function restrictionHistory(
  db: Queryable,
  id: string,
  query: TemporalQuery & { limit: number; cursor?: string | undefined },
) {
  return historyPage(db, restrictionViews, id, query)
}

async function selectRestrictions(
  db: Queryable,
  query: RestrictionListQuery,
  after: string,
): Promise<RestrictionView[]> {
  const conditions = ['id > $1']
  const values: unknown[] = [after]
  const add = (sql: (placeholder: string) => string, value: unknown) => {
    values.push(value)
    conditions.push(sql(`$${values.length}`))
  }
  if (query.origin) add((p) => `origin = ${p}`, query.origin)
  if (query.destination) add((p) => `(destinations IS NULL OR ${p} = ANY (destinations))`, query.destination)
  if (query.element) add((p) => `(cardinality(elements) = 0 OR ${p} = ANY (elements))`, query.element)
  if (query.form) add((p) => `(cardinality(forms) = 0 OR ${p} = ANY (forms))`, query.form)
  if (query.kind) add((p) => `kind = ${p}`, query.kind)
  if (query.status) add((p) => `status = ${p}`, query.status)
  if (query.actor) add((p) => `view->>'actorName' ILIKE ${p}`, `%${escapeLike(query.actor)}%`)
  if (query.dateFrom) add((p) => `imposed_on >= ${p}`, query.dateFrom)
  if (query.dateTo) add((p) => `imposed_on <= ${p}`, query.dateTo)
  values.push(query.limit + 1)
  const result = await db.query<{ view: RestrictionView }>(
    `SELECT view FROM read_models.restrictions WHERE ${conditions.join(' AND ')} ORDER BY id LIMIT $${values.length}`,
    values,
  )
  return result.rows.map((row) => row.view)
}

/** The same filters as `selectRestrictions`, for views folded at a past time. */
function restrictionMatches(view: RestrictionView, query: RestrictionFilters): boolean {
  const covers = <Value>(list: readonly Value[], value: Value | undefined) =>
    value === undefined || list.length === 0 || list.includes(value)
  return (
    (!query.origin || view.origin === query.origin) &&
    (!query.destination || view.destinations === 'all' || view.destinations.includes(query.destination)) &&
    covers(view.elements, query.element) &&
    covers(view.forms, query.form) &&
    (!query.kind || view.kind === query.kind) &&
    (!query.status || view.status === query.status) &&
    (!query.actor || view.actorName.toLowerCase().includes(query.actor.toLowerCase())) &&
    (!query.dateFrom || view.imposedOn >= query.dateFrom) &&
    (!query.dateTo || view.imposedOn <= query.dateTo)
  )
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`)
}
