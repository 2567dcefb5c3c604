export { loadConfig, ConfigError, flagName, type KaizenConfig } from './config.js';
export { createLogger, type Logger } from './logger.js';
export { startKaizen, type KaizenRuntime, type StartOptions } from './start.js';
