/**
 * Microsoft 365 (Graph) mailboxes: names shared by the backend and the UI.
 * A Graph account names its folders by Graph's well-known names or by folder ids.
 */

/** Graph's well-known mail folder names that an account may list in `folders`. */
export const GRAPH_WELL_KNOWN_FOLDERS = ['inbox', 'sentitems', 'drafts', 'archive', 'deleteditems', 'junkemail'] as const;
export type GraphWellKnownFolder = (typeof GRAPH_WELL_KNOWN_FOLDERS)[number];

/** What a Graph account syncs when its `folders` are empty: the inbox and the sent items. */
export const GRAPH_DEFAULT_FOLDERS: readonly string[] = ['inbox', 'sentitems'];

/** `uid_validity` of every Graph copy; their `uid` is a per-folder sequence, their identity the immutable id. */
export const GRAPH_UID_VALIDITY = 'graph';

export function isGraphWellKnownFolder(name: string): name is GraphWellKnownFolder {
  return (GRAPH_WELL_KNOWN_FOLDERS as readonly string[]).includes(name.toLowerCase());
}
