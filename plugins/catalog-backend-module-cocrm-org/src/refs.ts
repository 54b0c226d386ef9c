/**
 * Picks one user ref out of several candidates (a multi-valued `owner`, a group with
 * several owners): the alphabetically least, so that the annotation does not flip between
 * refreshes when the directory returns values in a different order.
 *
 * @param exclude - a ref that must never be picked: a user is not their own supervisor.
 */
export function pickLeastRef(
  candidates: ReadonlyArray<string | undefined>,
  exclude?: string,
): string | undefined {
  const excluded = exclude?.toLowerCase();
  return candidates
    .filter((ref): ref is string => !!ref && ref.toLowerCase() !== excluded)
    .sort()[0];
}
