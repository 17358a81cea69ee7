// Entry of the suite run against the installed .vsix: the in-host runner of test/integration, over
// the *.test.js bundled beside this file (results in test-results/vsix.json).
export { run } from '../integration/index';
