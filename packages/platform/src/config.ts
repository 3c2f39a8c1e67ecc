import { z } from 'zod'

export class ConfigError extends Error {
  readonly variables: string[]
  constructor(issues: Array<{ variable: string; message: string }>) {
    super(`Invalid configuration: ${issues.map((issue) => `${issue.variable}: ${issue.message}`).join('; ')}`)
    this.name = 'ConfigError'
    this.variables = issues.map((issue) => issue.variable)
  }
}

/** Parses the environment once, naming every bad variable. Nothing below `main.ts` reads `process.env`. */
export function loadConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined>,
): z.output<Schema> {
  const result = schema.safeParse(env)
  if (result.success) return result.data
  throw new ConfigError(
    result.error.issues.map((issue) => ({ variable: issue.path.join('.') || '(environment)', message: issue.message })),
  )
}

/** Variables every service understands. */
export const LogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info')
export const LogFormat = z
  .enum(['json', 'text'])
  .optional()
  .meta({ description: 'json, or text for a person; default json unless stdout is a terminal' })
export const Port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback)
export const PostgresUrl = z.url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// URL' })
export const KafkaBrokers = z
  .string()
  .regex(/^[^,\s]+:\d+(,[^,\s]+:\d+)*$/, 'must be host:port[,host:port…]')
  .meta({ description: 'Kafka bootstrap servers; when set, events travel over Kafka' })
export const KafkaPartitions = z.coerce.number().int().min(1).max(256).default(6)

/** How many years ahead an effective date may lie: an announced change, not a typing mistake. */
export const EffectiveDateHorizonYears = z.coerce
  .number()
  .int()
  .min(0)
  .max(50)
  .default(2)
  .meta({ description: 'How many years ahead an effective date may lie' })
