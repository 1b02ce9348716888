import { createPhoneModel, phonePaths, describePhonePath, assertObservablePhoneSteps } from '../support/model-phone';
it('probe', () => {
  const all = createPhoneModel().getShortestPaths();
  const paths = phonePaths();
  console.log(all.length, paths.length);
  for (const p of paths) assertObservablePhoneSteps(p);
  console.log(paths.map(describePhonePath).join('\n'));
});
