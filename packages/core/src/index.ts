export * from './store.js';
export * from './service.js';
export { newKnowledgeId } from './ids.js';
export * from './events.js';
export * from './browse.js';
