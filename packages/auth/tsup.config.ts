import { defineConfig } from 'tsup';
import { libraryConfig } from '@kaizen/tooling/tsup';

export default defineConfig(libraryConfig({ entry: { index: 'src/index.ts', 'testing/index': 'src/testing/index.ts' }, external: ['oidc-provider'] }));
