/**
 * RFC 9728 protected resource metadata, at the path-suffixed URL for the /mcp resource and at the root
 * (clients try both). Public, cacheable, readable from any origin: it holds nothing secret.
 */
import { Router } from 'express';
import { protectedResourceMetadata } from '@kaizen/auth';

export const METADATA_PATH = '/.well-known/oauth-protected-resource';

export function metadataRoutes(options: { resource: string; issuer?: string }): Router {
  const router = Router();
  const document = protectedResourceMetadata(options);
  for (const path of [`${METADATA_PATH}/mcp`, METADATA_PATH]) {
    router.get(path, (_req, res) => {
      res.set({ 'Access-Control-Allow-Origin': '*', 'Cache-Control': 'public, max-age=3600' }).json(document);
    });
  }
  return router;
}

/** Where a client finds this server's metadata, from its public base URL. */
export const metadataUrl = (publicUrl: string) => `${publicUrl.replace(/\/+$/, '')}${METADATA_PATH}/mcp`;
