/**
 * The infra suite runs as one test file: the first synth in a process loads most of aws-cdk-lib (seconds on a
 * busy machine), so the cases share one process instead of paying it per file. Each `*.cases.ts` module
 * registers its `describe` blocks when imported.
 */
import './app.cases.ts';
import './props.cases.ts';
import './validation.cases.ts';
import './context.cases.ts';
