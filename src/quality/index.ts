/**
 * Call-quality reports: MOS estimate, `getStats()` sampling, per-interval reports, warnings with
 * hysteresis, and the polling stream that ties them together.
 *
 * @packageDocumentation
 */
export {
  CLASSIC_MOS_CONSTANTS,
  DEFAULT_MOS_CONSTANTS,
  TWILIO_MOS_CONSTANTS,
  estimateMos,
  estimateRFactor,
  rFactorToMos,
  type EModelConstants,
  type MosInputs,
} from './mos';
export { EMPTY_MEDIA_SAMPLE, readMediaSample, type MediaSample } from './sample';
export { measureVideo, readVideoSample, type VideoMeasurement, type VideoSample } from './video';
export {
  DEFAULT_QUALITY_THRESHOLDS,
  DEFAULT_WARNING_HYSTERESIS,
  QUALITY_WARNING_NAMES,
  QualityWarningTracker,
  type QualityThresholds,
  type QualityWarning,
  type QualityWarningName,
  type QualityWarningOptions,
  type WarningHysteresis,
  type WarningInputs,
  type WarningUpdate,
} from './warnings';
export {
  QualityReporter,
  measureQuality,
  type CallQualityReport,
  type QualityMeasurement,
  type QualityReportContext,
  type QualityReporterOptions,
  type QualityTotals,
} from './report';
export {
  DEFAULT_QUALITY_REPORT_INTERVAL_MS,
  qualityReports$,
  type QualityReportStreamOptions,
} from './report-stream';
