export {
  loadConfig,
  configHelp,
  defineConfigSlice,
  loggingConfig,
  auditConfig,
  ConfigError,
  isConfigError,
  flagName,
  type ConfigSlice,
  type AnyConfigSlice,
  type LoadedConfig,
  type LogLevel,
} from './config.js';
export { storageConfig, type StorageSettings } from '@kaizen/storage';
export { formatStartupError } from './startup-error.js';
export { redactSecrets } from './redact.js';
export { appVersion, helpOrVersion, mainPathOf, printHelpOrVersion, programHelp, type Program } from './program.js';
export { baseSlices, describeDatabase, httpProgram, stdioBanner, stdioClientConfig, stdioProgram } from './programs.js';
export { createLogger, type Logger } from './logger.js';
export { startKaizen, type KaizenRuntime, type StartOptions } from './start.js';
export { safeErrorFields } from '@kaizen/storage';
