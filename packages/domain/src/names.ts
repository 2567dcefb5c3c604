import { z } from 'zod';
import { safeText } from './input.js';

export const NAME_PATTERN = /^[a-z0-9-]{2,64}$/;
/** A qualified scope name: two names joined by ":". A regex (not a refinement) so that it reaches JSON Schema as `pattern`. */
export const SCOPE_PATTERN = /^[a-z0-9-]{2,64}:[a-z0-9-]{2,64}$/;
export const GLOBAL_NAMESPACE = 'global';
export const DEFAULT_SCOPE = 'default';
export const GLOBAL_DEFAULT_SCOPE = `${GLOBAL_NAMESPACE}:${DEFAULT_SCOPE}`;

const nameRule = 'use 2-64 characters of lowercase a-z, 0-9 and "-"';

/** A namespace or the local part of a scope name. */
export const NameSchema = z
  .string()
  .regex(NAME_PATTERN, { message: `invalid name: ${nameRule} (e.g. "acme" or "mobile-payments")` });

/** A qualified scope name, `namespace:scope`. */
export const QualifiedScopeSchema = z
  .string()
  .regex(SCOPE_PATTERN, { message: `invalid scope: write it as "namespace:scope" where each part uses 2-64 characters of lowercase a-z, 0-9 and "-" (e.g. "acme:mobile-payments")` });

export interface ScopeRef {
  namespace: string;
  name: string;
}

export function parseScope(qualified: string): ScopeRef {
  const [namespace = '', name = ''] = qualified.split(':');
  return { namespace, name };
}

export function formatScope(ref: ScopeRef): string {
  return `${ref.namespace}:${ref.name}`;
}

export const DescriptionSchema = safeText()
  .trim()
  .min(1, { message: 'description is empty: give a one-line description (1-500 characters)' })
  .max(500, { message: 'description is too long: keep it to 500 characters' });
