export * from './errors.js';
export * from './names.js';
export * from './knowledge.js';
export * from './tools.js';
export * from './validation.js';
export * from './surface.js';
export * from './transfer.js';
