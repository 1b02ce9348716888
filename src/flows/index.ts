/**
 * Model-based call flows: paths generated with `xstate/graph` from the call and phone machines, a
 * runner that plays them between real phones through the public API, coverage figures and
 * highlighted statecharts. The `callstate-flows` command (the package's bin) is built on it; it
 * registers JsSIP phones in Node, which this entry point does not load.
 *
 * @packageDocumentation
 */
export { MachineCoverage, formatCoverage, machineStateNodes, machineTransitions } from './coverage';
export type { CoverageFigures, TakenTransition } from './coverage';
export { dropPrefixPaths } from './paths';
export { createCallModel, describeEvent, describePath, expectedOf, observe, realizableEvents } from './call-model';
export type { CallModel, CallPath, CallSnapshot, Observed, Realizable } from './call-model';
export { createPbxCallModels, generateCallFlows, pbxRealizableEvents } from './pbx-model';
export type { CallFlow } from './pbx-model';
export { endAllCalls, runCallFlow } from './runner';
export type { FlowParties, FlowParty, FlowResult, FlowRunOptions } from './runner';
export { formatJUnit, formatJson, formatTable } from './report';
export type { FlowReport } from './report';
export { coverageStyle, coverageSvg, coveredElementIds } from './coverage-svg';
