export { type CommandRouterOptions, type CommandSettings, commandRouter, settingsOf } from './commandRouter.ts'
export { type CommandRequestContext, commandContext, replyAccepted } from './commands.ts'
export { countedCommand } from './commandOutcome.ts'
export {
  ConfigError,
  EffectiveDateHorizonYears,
  KafkaBrokers,
  KafkaPartitions,
  LogFormat,
  LogLevel,
  loadConfig,
  Port,
  PostgresUrl,
} from './config.ts'
export { createPool } from './database.ts'
export { healthPlugin, type Readiness, type ReadinessCheck } from './health.ts'
export { createLogger, logFormat, loggerOptions } from './logger.ts'
export {
  addProbe,
  commandsTotal,
  eventsAppendedTotal,
  httpRequestDuration,
  metricsPlugin,
  metricsRegistry,
  type Probe,
  type ProbedGauge,
  readYourWritesTimeoutsTotal,
  type Sample,
} from './metrics.ts'
export {
  HttpProblem,
  PROBLEM_CONTENT_TYPE,
  type ProblemBody,
  type ProblemCode,
  problemPlugin,
  problemType,
  toProblem,
} from './problem.ts'
export { createServer, type Server, type ServerOptions } from './server.ts'
export { closeOnSignals } from './shutdown.ts'
export { describeStartFailure, listenOrExplain, StartError, startOrExplain } from './start.ts'
export { runWriteService, WriteServiceConfig } from './writeService.ts'
