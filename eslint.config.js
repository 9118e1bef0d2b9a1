// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const ENUM_BAN = { selector: 'TSEnumDeclaration', message: 'Use an `as const` table: Node runs our TypeScript by type stripping.' };

// Bare module names that reach the clock, timers, randomness, the environment or the network (`node:*` is
// banned as a pattern).
const ENGINE_BANNED_MODULES = ['crypto', 'timers', 'timers/promises', 'perf_hooks', 'process', 'os', 'fs', 'fs/promises', 'child_process', 'worker_threads', 'http', 'https', 'http2', 'net', 'tls', 'dgram', 'dns', 'undici', 'ws'];

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'cdk.out/', 'coverage/', 'shared/api/validators.generated.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly' },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', ENUM_BAN],
    },
  },
  {
    files: ['shared/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: ENGINE_BANNED_MODULES.map((name) => ({ name, message: 'The engine is pure: no I/O, clock, timers or randomness.' })),
          patterns: [
            { group: ['**/kube/**', '**/store/**', '**/schedule/**', '@aws-sdk/*', '@kubernetes/*', 'node:*'], message: 'The engine is pure: no I/O imports.' },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'The engine never reads the clock: take `now` as input.' },
        { object: 'Math', property: 'random', message: 'The engine is deterministic: no randomness.' },
      ],
      'no-restricted-globals': [
        'error',
        ...['process', 'performance', 'crypto', 'fetch', 'setTimeout', 'setInterval', 'setImmediate', 'clearTimeout', 'clearInterval', 'clearImmediate', 'queueMicrotask', 'XMLHttpRequest', 'WebSocket'].map(
          (name) => ({ name, message: 'The engine is pure: no environment, clock, timers, randomness or network; take them as input.' }),
        ),
      ],
      'no-restricted-syntax': [
        'error',
        ENUM_BAN,
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The engine never reads the clock: `new Date()` without argument is now; take `now` as input.' },
        { selector: "CallExpression[callee.name='Date']", message: 'The engine never reads the clock: `Date()` is now as text; take `now` as input.' },
      ],
    },
  },
);
