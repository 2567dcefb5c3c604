import { defineConfig } from 'vitest/config';
import { baseTestConfig } from '@kaizen/tooling/vitest';

export default defineConfig(baseTestConfig);
