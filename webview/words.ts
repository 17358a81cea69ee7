// Placeholder until the shared labels (src/domain/labels.ts) are in this branch.
export function stateWords(state: string): string {
  return state;
}
