/** Kaizen resource URIs: the contract clients bookmark and subscribe to. */
export const NAMESPACES_URI = 'kaizen://namespaces';
export const NAMESPACE_TEMPLATE = 'kaizen://namespaces/{namespace}';
export const SCOPE_TEMPLATE = 'kaizen://scopes/{scope}';
export const KNOWLEDGE_TEMPLATE = 'kaizen://knowledge/{id}';
export const AUDIT_TEMPLATE = 'kaizen://audit/{namespace}';

export const namespaceUri = (name: string) => `kaizen://namespaces/${encodeURIComponent(name)}`;
/** ":" is percent-encoded, as RFC 6570 expansion of {scope} does: kaizen://scopes/acme%3Ashop. */
export const scopeUri = (scope: string) => `kaizen://scopes/${encodeURIComponent(scope)}`;
export const knowledgeUri = (id: string) => `kaizen://knowledge/${encodeURIComponent(id)}`;

export type KaizenUri =
  | { kind: 'namespaces' }
  | { kind: 'namespace'; namespace: string }
  | { kind: 'scope'; scope: string }
  | { kind: 'knowledge'; id: string }
  | { kind: 'audit'; namespace: string };

const PATTERN = /^kaizen:\/\/(namespaces|scopes|knowledge|audit)(?:\/([^/?#]+))?$/;

/** Parses a Kaizen URI; accepts both "acme%3Ashop" and "acme:shop". Null when it is not one of ours. */
export function parseKaizenUri(uri: string): KaizenUri | null {
  const match = PATTERN.exec(uri);
  if (!match) return null;
  const [, kind, raw] = match;
  if (raw === undefined) return kind === 'namespaces' ? { kind: 'namespaces' } : null;
  const value = decode(raw);
  if (value === null) return null;
  if (kind === 'namespaces') return { kind: 'namespace', namespace: value };
  if (kind === 'scopes') return { kind: 'scope', scope: value };
  if (kind === 'audit') return { kind: 'audit', namespace: value };
  return { kind: 'knowledge', id: value };
}

export function decode(raw: string): string | null {
  try {
    return decodeURIComponent(raw);
  } catch {
    return null;
  }
}
