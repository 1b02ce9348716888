/**
 * The JsSIP adapter: the port of `../port.ts` on JsSIP 3.13.
 *
 * Node users also import `./node` (WebSocket and WebRTC for Node); browsers do not need it.
 *
 * @packageDocumentation
 */
export { createJsSipUserAgent, type JsSipUserAgentOptions } from './user-agent';
export type { IceGatheringOptions } from './call';
export { endCauseOf, endReportOf } from './causes';
export { DEFAULT_DTMF } from '../../machines/port';
export {
  featureCodeRecording,
  sipInfoRecording,
  type FeatureCodeRecordingOptions,
  type RecordingBackend,
  type RecordingContext,
  type RecordingOutcome,
  type SipInfoRecordingOptions,
} from './recording';
export { replacesTarget, type ReferSubscriber } from './refer';
export type { AdapterLogger } from './exception-barrier';
