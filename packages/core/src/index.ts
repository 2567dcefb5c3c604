export * from './store.js';
export * from './service.js';
export { newKnowledgeId } from './ids.js';
export * from './events.js';
export * from './browse.js';
export { exportRecords, importRecords, IMPORT_BATCH_SIZE, TRANSFER_PAGE_SIZE, type ImportOptions } from './transfer.js';
export * from './context.js';
export {
  Authorizer,
  EVERY_NAMESPACE,
  changeNamespaces,
  NamespaceAccess,
  UNRESTRICTED_PRINCIPALS,
  forbiddenError,
  grantPrincipals,
  isUnrestricted,
  namespaceOfScope,
  roleAtLeast,
  visibleParents,
} from './authorization.js';
export { AuditTrail, type AuditTrailOptions } from './audit.js';
