import { defineConfig } from 'tsup';
import { libraryConfig } from '@kaizen/tooling/tsup';

export default defineConfig(libraryConfig({ entry: ['src/index.ts'] }));
