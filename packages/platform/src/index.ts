export { type CommandRouterOptions, commandRouter } from './commandRouter.ts'
export { type CommandRequestContext, commandContext, replyAccepted } from './commands.ts'
export {
  ConfigError,
  EffectiveDateHorizonYears,
  KafkaBrokers,
  KafkaPartitions,
  LogLevel,
  loadConfig,
  Port,
  PostgresUrl,
} from './config.ts'
export { createPool } from './database.ts'
export { healthPlugin, type ReadinessCheck } from './health.ts'
export { loggerOptions } from './logger.ts'
export {
  HttpProblem,
  PROBLEM_CONTENT_TYPE,
  type ProblemBody,
  type ProblemCode,
  problemKinds,
  problemPlugin,
  problemType,
  toProblem,
} from './problem.ts'
export { createServer, type Server, type ServerOptions } from './server.ts'
export { closeOnSignals } from './shutdown.ts'
export { runWriteService, WriteServiceConfig } from './writeService.ts'
