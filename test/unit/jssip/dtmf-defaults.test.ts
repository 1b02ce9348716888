/** One DTMF default for the phone and the JsSIP adapter; the feature-code recording keeps its own transport. */
import { DEFAULT_DTMF as coreDefault } from '../../../src';
import { DEFAULT_DTMF as adapterDefault, featureCodeRecording } from '../../../adapters/jssip';

describe('DTMF defaults', () => {
  it('are one constant, SIP INFO with 100 ms tones and 70 ms gaps, exported by callstate and callstate/jssip', () => {
    expect(adapterDefault).toBe(coreDefault);
    expect(coreDefault).toEqual({ transport: 'info', durationMs: 100, interToneGapMs: 70 });
  });

  it('leave the feature-code recording on RFC 2833 unless its transport says otherwise', () => {
    const codes = { start: '*1', pause: '*2', resume: '*1' };
    expect(featureCodeRecording({ codes }).name).toBe('feature-code(rfc2833)');
    expect(featureCodeRecording({ codes, transport: 'info' }).name).toBe('feature-code(info)');
  });
});
