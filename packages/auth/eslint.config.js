export { default } from '@kaizen/tooling/eslint';
