/**
 * How each Lambda handler is bundled: one description that both the construct (through `NodejsFunction`'s
 * bundling options) and `infra/bundle.ts` (through esbuild's API, for `npm run bench`) turn into esbuild
 * options, so the bundle the bench measures is byte for byte the one `cdk synth` ships.
 */
import { fileURLToPath } from 'node:url';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { OutputFormat, SourceMapMode, type BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';

/** The repository root: `NodejsFunction`'s project root and the working directory of every bundle. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Each handler's entry file, relative to {@link PROJECT_ROOT}. */
export const HANDLER_ENTRIES = {
  advance: 'lambdas/advance/index.ts',
  watcher: 'lambdas/watcher/index.ts',
} as const;

/** A handler of {@link HANDLER_ENTRIES}. */
export type HandlerName = keyof typeof HANDLER_ENTRIES;

/** The Lambda runtime both functions run on. */
export const HANDLER_RUNTIME = lambda.Runtime.NODEJS_24_X;

/** The Lambda architecture both functions run on. */
export const HANDLER_ARCHITECTURE = lambda.Architecture.ARM_64;

/**
 * The esbuild settings of every handler.
 * - ESM, so top-level await can build clients before the first event.
 * - Minified, with an external source map and no `--enable-source-maps`: stack traces are mapped offline when
 *   needed instead of paying the map's parse time on every cold start.
 * - Everything bundled, the AWS SDK included: the bundle pins the SDK version the tests ran, and one minified
 *   file loads faster than the runtime's SDK spread over hundreds of files.
 * - `module` before `main` picks packages' ESM builds, which esbuild tree-shakes.
 * - The banner gives bundled CommonJS code a `require` for Node's built-ins, which ESM output lacks.
 */
export const HANDLER_ESBUILD = {
  target: 'node24',
  platform: 'node',
  format: 'esm',
  minify: true,
  sourcemap: 'external',
  mainFields: ['module', 'main'],
  external: [] as string[],
  banner: "import{createRequire as __fledgeCreateRequire}from'node:module';const require=__fledgeCreateRequire(import.meta.url);",
  outfile: 'index.mjs',
} as const;

/** {@link HANDLER_ESBUILD} as `NodejsFunction` bundling options (local esbuild, never Docker). */
export function nodejsBundlingOptions(): BundlingOptions {
  return {
    target: HANDLER_ESBUILD.target,
    format: OutputFormat.ESM,
    minify: HANDLER_ESBUILD.minify,
    sourceMap: true,
    sourceMapMode: SourceMapMode.EXTERNAL,
    mainFields: [...HANDLER_ESBUILD.mainFields],
    externalModules: [...HANDLER_ESBUILD.external],
    banner: HANDLER_ESBUILD.banner,
    forceDockerBundling: false,
  };
}
