/**
 * Builds a handler's bundle outside CDK with the exact esbuild options the construct ships (see
 * `infra/bundling.ts`), for `npm run bench`'s bundle size and init figures.
 */
import { join } from 'node:path';
import { build, type BuildOptions } from 'esbuild';
import { HANDLER_ENTRIES, HANDLER_ESBUILD, PROJECT_ROOT, type HandlerName } from './bundling.ts';

/** Where a bundle was written. */
export interface HandlerBundle {
  /** The bundled handler, `<outdir>/index.mjs`, as Lambda loads it. */
  readonly file: string;
  /** Its external source map. */
  readonly sourceMap: string;
}

/** The esbuild options of `handler`'s bundle written to `outdir` (those `cdk synth` passes on its command line). */
export function handlerBuildOptions(handler: HandlerName, outdir: string): BuildOptions {
  return {
    absWorkingDir: PROJECT_ROOT,
    entryPoints: [HANDLER_ENTRIES[handler]],
    bundle: true,
    outfile: join(outdir, HANDLER_ESBUILD.outfile),
    target: HANDLER_ESBUILD.target,
    platform: HANDLER_ESBUILD.platform,
    format: HANDLER_ESBUILD.format,
    minify: HANDLER_ESBUILD.minify,
    sourcemap: HANDLER_ESBUILD.sourcemap,
    mainFields: [...HANDLER_ESBUILD.mainFields],
    external: [...HANDLER_ESBUILD.external],
    banner: { js: HANDLER_ESBUILD.banner },
    logLevel: 'warning',
  };
}

/**
 * Bundles `handler` into `outdir` as `cdk synth` does.
 * @example const { file } = await bundleHandler('advance', await mkdtemp(join(tmpdir(), 'fledge-')));
 */
export async function bundleHandler(handler: HandlerName, outdir: string): Promise<HandlerBundle> {
  const options = handlerBuildOptions(handler, outdir);
  await build(options);
  const file = options.outfile as string;
  return { file, sourceMap: `${file}.map` };
}
