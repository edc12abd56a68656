/**
 * The GitHub Action's own layer, used by `cli.ts` and not published as a
 * subpath: the only code that knows the action's input names and Python-list
 * text. It reads the inputs into typed values (`parseInputs`), turns domain
 * errors into messages naming the input at fault (`input_messages.ts`), and
 * runs the job (`runJob`): fetch, judge, then write the CSV, the reports, the
 * job summary, the outputs and the sticky comment, each file atomically and
 * only after every file is known to be writable.
 *
 * @module
 */
export {
  type ActionInputs,
  INPUT_NAMES,
  type InputName,
  parseInputs,
  type RawInputs,
} from "./inputs.ts";
export {
  type JobEnvironment,
  type JobResult,
  judgeForReports,
  runJob,
} from "./job.ts";
export { createLog, type Log } from "./log.ts";
