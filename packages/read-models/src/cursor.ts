import { storableJsonText } from '@ree/contracts'
import { z } from 'zod'

/** Opaque keyset cursors: base64url JSON of where the last page ended. */
export function encodeCursor(position: Record<string, string | number | null>): string {
  return Buffer.from(JSON.stringify(position)).toString('base64url')
}

/** A cursor the API did not issue: bad input on the `cursor` parameter. */
export class InvalidCursorError extends Error {
  readonly statusCode = 400
  readonly field = 'querystring.cursor'
}

export function decodeCursor<Schema extends z.ZodType>(schema: Schema, cursor: string): z.output<Schema> {
  const text = Buffer.from(cursor, 'base64url').toString('utf8')
  // Text PostgreSQL cannot compare never came from this API.
  if (!storableJsonText(text)) {
    throw new InvalidCursorError('cursor is not one this API returned')
  }
  try {
    return schema.parse(JSON.parse(text))
  } catch {
    throw new InvalidCursorError('cursor is not one this API returned')
  }
}

export const Page = <Item extends z.ZodType>(item: Item) =>
  z.object({
    items: z.array(item),
    nextCursor: z
      .string()
      .nullable()
      .meta({ description: 'Pass as `cursor` for the next page; null on the last page' }),
  })

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(500).optional(),
})
