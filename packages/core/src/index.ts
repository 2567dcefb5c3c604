export * from './store.js';
export * from './service.js';
export { newKnowledgeId } from './ids.js';
