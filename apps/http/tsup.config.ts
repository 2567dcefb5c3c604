import { defineConfig } from 'tsup';
import { libraryConfig } from '@kaizen/tooling/tsup';

export default defineConfig(libraryConfig({ entry: ['src/main.ts', 'src/healthcheck.ts'], dts: false, banner: { js: '#!/usr/bin/env node' } }));
