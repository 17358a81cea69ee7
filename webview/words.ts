// The owner's words the page uses: the labels shared with the commands, the tree and the settings
// (src/domain/labels.ts), so that a state, an event or a field reads the same everywhere.
export { stateLabel, eventLabel, fieldInfo, fieldLabel, type FieldLabel } from '../src/domain/labels';
