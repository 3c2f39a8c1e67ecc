import type { Filter } from './temporal-model.ts'

/** The list filters, as SQL over a states table's columns (aliased `s`). */

export const equals = (column: string): Filter => ({ where: (p) => `s.${column} = ${p}` })

/** An array column that holds the value. */
export const includes = (column: string): Filter => ({ where: (p) => `${p} = ANY (s.${column})` })

/** An array column that holds the value, or is empty because the fact names none and so covers all. */
export const covers = (column: string): Filter => ({
  where: (p) => `(cardinality(s.${column}) = 0 OR ${p} = ANY (s.${column}))`,
})

/** An array column that holds the value, or is null: every one. */
export const includesOrAll = (column: string): Filter => ({
  where: (p) => `(s.${column} IS NULL OR ${p} = ANY (s.${column}))`,
})

/** A text column that contains the text, in any case. */
export const containsText = (column: string): Filter => ({
  where: (p) => `s.${column} ILIKE ${p}`,
  value: (text: string) => `%${escapeLike(text)}%`,
})

/** An array of text with an entry that contains the text, in any case. */
export const anyContainsText = (column: string): Filter => ({
  where: (p) => `EXISTS (SELECT 1 FROM unnest(s.${column}) entry WHERE entry ILIKE ${p})`,
  value: (text: string) => `%${escapeLike(text)}%`,
})

export const onOrAfter = (column: string): Filter => ({ where: (p) => `s.${column} >= ${p}::date` })
export const onOrBefore = (column: string): Filter => ({ where: (p) => `s.${column} <= ${p}::date` })

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (character) => `\\${character}`)
}
